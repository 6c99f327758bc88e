-- At 2^31 transaction IDs since a database's oldest unfrozen row, PostgreSQL stops accepting
-- writes to avoid wraparound. Thresholds from check_postgres (txn_wraparound: 1.3e9 / 1.4e9).
return assay.check {
  id = "PG-XID-WRAPAROUND",
  title = "Transaction IDs are far from wraparound",
  severity = "high",
  category = "maintenance",
  needs = { "postgres" },
  tags = { "postgres", "vacuum" },
  references = { "https://www.postgresql.org/docs/current/routine-vacuuming.html#VACUUM-FOR-WRAPAROUND",
                 "https://bucardo.org/check_postgres/check_postgres.pl.html#txn_wraparound" },
  remediation = "Run VACUUM (FREEZE) on the oldest tables of the database (ORDER BY age(relfrozenxid) DESC in pg_class), end long transactions and prepared transactions, and check that autovacuum keeps up.",
  description = "High when age(datfrozenxid) reaches warn_age, critical at crit_age.",
  inputs = { warn_age = 1300000000, crit_age = 1400000000 },
  run = function(ctx)
    local warn, crit = ctx:input("warn_age", 1300000000), ctx:input("crit_age", 1400000000)
    local rows = ctx.target:query(
      "SELECT datname, age(datfrozenxid)::bigint AS age FROM pg_catalog.pg_database ORDER BY datname")
    for _, r in ipairs(rows) do
      assay.grade(ctx, r.age, {
        resource = "db/" .. r.datname,
        evidence = { database = r.datname, age = r.age, warn_age = warn, crit_age = crit,
                     percent_of_limit = string.format("%.1f", r.age * 100 / 2147483648) },
        message = string.format("database %s: age(datfrozenxid) = %d", r.datname, r.age),
        warn = warn, warn_note = " (at or above %d): vacuum is not freezing fast enough",
        crit = crit, crit_note = " (at or above %d): writes stop at 2^31",
      })
    end
  end,
}
