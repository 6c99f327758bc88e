-- idle_in_transaction_session_timeout = 0 lets a forgotten transaction live forever.
return assay.check {
  id = "PG-IDLE-TX-TIMEOUT",
  title = "Idle transactions are ended by a timeout",
  severity = "low",
  category = "resilience",
  needs = { "postgres" },
  tags = { "postgres", "sessions" },
  references = { "https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-IDLE-IN-TRANSACTION-SESSION-TIMEOUT" },
  remediation = "Set in postgresql.conf (or per role with ALTER ROLE ... SET) and reload:\n\n    idle_in_transaction_session_timeout = '10min'",
  run = function(ctx)
    local s = ctx.target:settings().idle_in_transaction_session_timeout
    if s == nil then
      ctx:error { message = "pg_settings has no idle_in_transaction_session_timeout" }
      return
    end
    local evidence = { idle_in_transaction_session_timeout = s.setting, unit = s.unit, source = s.source }
    if tonumber(s.setting) == 0 then
      ctx:fail { resource = "setting/idle_in_transaction_session_timeout", evidence = evidence,
                 message = "idle_in_transaction_session_timeout = 0: a session idle in a transaction is never ended" }
    else
      ctx:pass { resource = "setting/idle_in_transaction_session_timeout", evidence = evidence,
                 message = "idle_in_transaction_session_timeout = " .. s.setting .. (s.unit or "") }
    end
  end,
}
