# shellcheck shell=bash
# PgBouncer 1.18 of the stack, in front of its PostgreSQL. Runs as `postgres` (it refuses root).
# Sourced by scripts/stack; needs postgres_start to have run.

pgbouncer_write_ini() { # INI ROOT PORT PG_PORT
    local ini=$1 root=$2 port=$3 pg_port=$4
    cat >"$ini" <<EOF
;; PgBouncer of the Assay test stack (scripts/stack).
[databases]
app = host=127.0.0.1 port=$pg_port dbname=app pool_size=2
tiny = host=127.0.0.1 port=$pg_port dbname=app pool_size=1

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $root/userlist.txt
admin_users = postgres
stats_users = assay
pool_mode = session
max_client_conn = 50
default_pool_size = 5
reserve_pool_size = 1
; Deliberate finding: idle clients are never disconnected.
client_idle_timeout = 0
pidfile = $root/pgbouncer.pid
logfile = $root/pgbouncer.log
EOF
    chown postgres:postgres "$ini"
    chmod 0600 "$ini"
}

pgbouncer_running() { # ROOT PORT
    pid_matches "$(cat "$1/pgbouncer.pid" 2>/dev/null)" "$1/pgbouncer.ini" && port_listening "$2"
}

# Running, and the console on PORT lets `assay` in (so it is ours, not another on that port).
pgbouncer_started() { # ROOT PORT
    pgbouncer_running "$1" "$2" &&
        PGPASSWORD=$PG_ASSAY_PASSWORD PGCONNECT_TIMEOUT=2 psql -X -q -w -At \
            "host=127.0.0.1 port=$2 dbname=pgbouncer user=assay" -c "SHOW VERSION" >/dev/null 2>&1
}

pgbouncer_failed() { # ROOT
    grep -q FATAL "$1/pgbouncer.log" 2>/dev/null ||
        { [[ -f "$1/pgbouncer.pid" ]] && ! pid_matches "$(cat "$1/pgbouncer.pid")" "$1/pgbouncer.ini"; }
}

pgbouncer_start() {
    local base root ini port attempt pg_port i
    base=$(postgres_base)
    root=$base/pgbouncer
    ini=$root/pgbouncer.ini
    pg_port=$(state_get PG_PORT)
    install -d -o postgres -g postgres -m 0700 "$root"
    [[ "$base" == "$DIR" ]] || ln -sfn "$root" "$DIR/pgbouncer"
    state_set PGB_ROOT "$root"
    (umask 077 && postgres_verifiers >"$root/userlist.txt")
    chown postgres:postgres "$root/userlist.txt"

    for attempt in 1 2 3; do
        free_port && port=$FREE_PORT
        state_set PGB_PORT "$port"
        pgbouncer_write_ini "$ini" "$root" "$port" "$pg_port"
        rm -f "$root/pgbouncer.pid"
        [[ -f "$root/pgbouncer.log" ]] && mv "$root/pgbouncer.log" "$root/pgbouncer.log.$attempt"
        launch_wait "$root/pgbouncer.out" runuser -u postgres -- /usr/sbin/pgbouncer -d -q "$ini" || true
        for ((i = 0; i < 200; i++)); do
            pgbouncer_started "$root" "$port" && break 2
            pgbouncer_failed "$root" && break
            sleep 0.05
        done
        pgbouncer_stop
        ((attempt < 3)) || { tail -n 20 "$root/pgbouncer.log" >&2; die "pgbouncer did not start"; }
        say "pgbouncer could not start on port $port; trying another"
    done
    state_set PGB_PID "$(cat "$root/pgbouncer.pid")"
}

pgbouncer_up() {
    local root port
    root=$(state_get PGB_ROOT)
    port=$(state_get PGB_PORT)
    [[ -n "$root" && -n "$port" ]] && pgbouncer_running "$root" "$port"
}

pgbouncer_stop() {
    local root pid
    root=$(state_get PGB_ROOT)
    [[ -n "$root" ]] || return 0
    for pid in "$(cat "$root/pgbouncer.pid" 2>/dev/null)" "$(state_get PGB_PID)"; do
        [[ -n "$pid" ]] && stop_pid "$pid" "$root/pgbouncer.ini" 10
    done
    return 0
}

# MARK: - The hook's outputs (see scripts/stack.d/kinds/README.md)
pgbouncer_describe() { printf '127.0.0.1:%s' "$(state_get PGB_PORT)"; }
pgbouncer_env() {
    local pgb
    pgb=$(state_get PGB_PORT)
    echo "ASSAY_STACK_PGBOUNCER_URL=postgres://assay:$PG_ASSAY_PASSWORD@127.0.0.1:$pgb/pgbouncer"
    echo "ASSAY_STACK_PGBOUNCER_APP_URL=postgres://app:$PG_APP_PASSWORD@127.0.0.1:$pgb/app"
    echo "ASSAY_STACK_PGBOUNCER_PORT=$pgb"
    echo "ASSAY_STACK_PGBOUNCER_PASSWORD=$PG_ASSAY_PASSWORD"
}
pgbouncer_target() {
    echo "  - { name: pgbouncer, kind: pgbouncer, url: \"postgres://assay@127.0.0.1:$(state_get PGB_PORT)/pgbouncer\", password_env: ASSAY_STACK_PGBOUNCER_PASSWORD }"
}
