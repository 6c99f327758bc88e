# shellcheck shell=bash
# PostgreSQL 15 of the stack: initdb, configuration, roles, the `app` database.
# Runs as the `postgres` user (initdb refuses root). Sourced by scripts/stack as the hook of the `postgres` target kind.

PGBIN=/usr/lib/postgresql/15/bin
PG_TEMPLATES=/var/cache/assay-stack
PG_INITDB_OPTIONS=(-U postgres -N --auth-local=trust --auth-host=scram-sha-256 --locale=C.UTF-8 --encoding=UTF8)

as_postgres() { runuser -u postgres -- "$@"; }

# Where postgres-owned files live: DIR itself when `postgres` can reach it, else a folder under
# /tmp linked from DIR (DIR's parents may be closed to other users, e.g. /root).
postgres_base() {
    local base
    base=$(state_get PG_BASE)
    if [[ -z "$base" ]]; then
        if as_postgres test -x "$DIR" -a -r "$DIR"; then
            base=$DIR
        else
            base=$(aux_dir)
            say "postgres cannot reach $DIR: its files go to $base" >&2
        fi
        state_set PG_BASE "$base"
    fi
    printf '%s' "$base"
}

psql_admin() { # DATABASE [psql args...]
    local db=$1
    shift
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$(state_get PG_SOCKET_DIR)" \
        -p "$(state_get PG_PORT)" -U postgres -d "$db" "$@"
}

postgres_configure() { # PGDATA SOCKET_DIR PORT
    local data=$1 sockets=$2 port=$3
    cat >>"$data/postgresql.conf" <<EOF

# --- assay stack (scripts/stack) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockets'
shared_preload_libraries = 'pg_stat_statements'
log_connections = off
ssl = off
password_encryption = scram-sha-256
max_connections = 50
shared_buffers = 32MB
EOF
    cat >"$data/pg_hba.conf" <<EOF
# TYPE  DATABASE  USER      ADDRESS          METHOD
local   all       postgres                   trust
local   all       all                        scram-sha-256
host    all       all       127.0.0.1/32     scram-sha-256
# Deliberately weak (an auditor should flag it): any IPv4 address, md5.
host    all       all       0.0.0.0/0        md5
EOF
    chown postgres:postgres "$data/pg_hba.conf"
}

# A pristine, never started cluster, made by initdb once per machine and PostgreSQL version and
# copied into each stack: a copy takes a fraction of a second where initdb takes seconds.
postgres_template() {
    local key template tmp
    key=$({ "$PGBIN/postgres" --version; echo "${PG_INITDB_OPTIONS[*]}"; } | sha256sum | cut -c1-12)
    template=$PG_TEMPLATES/pg15-$key
    [[ -f "$template/PG_VERSION" ]] && { printf '%s' "$template"; return 0; }
    install -d -m 0711 "$PG_TEMPLATES" || return 1
    (
        flock -w 120 8 || exit 1
        [[ -f "$template/PG_VERSION" ]] && exit 0
        tmp=$(mktemp -d "$PG_TEMPLATES/tmp.XXXXXX") || exit 1
        chown postgres:postgres "$tmp" || exit 1
        if ! as_postgres "$PGBIN/initdb" -D "$tmp/data" "${PG_INITDB_OPTIONS[@]}" >"$tmp/initdb.log" 2>&1; then
            cat "$tmp/initdb.log" >&2
            rm -rf "$tmp"
            exit 1
        fi
        mv "$tmp/data" "$template"
        rm -rf "$tmp"
    ) 8>"$PG_TEMPLATES/.lock" || return 1
    printf '%s' "$template"
}

postgres_start() {
    local base root data sockets port attempt
    base=$(postgres_base)
    root=$base/postgres
    data=$root/data
    install -d -o postgres -g postgres -m 0700 "$root"
    [[ "$base" == "$DIR" ]] || ln -sfn "$root" "$DIR/postgres"
    sockets=$root/run
    if ((${#sockets} > 80)); then sockets=$(aux_dir)/pg; fi
    install -d -o postgres -g postgres -m 0700 "$sockets"
    state_set PG_DATA "$data"
    state_set PG_SOCKET_DIR "$sockets"

    PG_SUPER_PASSWORD=$(random_password)
    PG_ASSAY_PASSWORD=$(random_password)
    PG_APP_PASSWORD=$(random_password)

    local template
    if template=$(postgres_template) && cp -a "$template" "$data"; then
        :
    else
        rm -rf "$data"
        as_postgres "$PGBIN/initdb" -D "$data" "${PG_INITDB_OPTIONS[@]}" >"$root/initdb.log" 2>&1 ||
            { cat "$root/initdb.log" >&2; die "initdb failed"; }
    fi

    free_port && port=$FREE_PORT
    postgres_configure "$data" "$sockets" "$port"
    for attempt in 1 2 3; do
        if ((attempt > 1)); then
            free_port && port=$FREE_PORT
            sed -i "s/^port = [0-9]*\$/port = $port/" "$data/postgresql.conf"
        fi
        state_set PG_PORT "$port"
        if launch_wait "$root/pg_ctl.log" runuser -u postgres -- \
            "$PGBIN/pg_ctl" -D "$data" -l "$root/postgres.log" -w -t 30 start; then
            break
        fi
        ((attempt < 3)) || { tail -n 20 "$root/postgres.log" >&2; die "postgres did not start"; }
        say "postgres could not start on port $port; trying another"
    done

    # Not tracked by pg_stat_statements: its query texts are readable by pg_monitor (Assay).
    psql_admin postgres <<EOF
SET pg_stat_statements.track_utility = off;
ALTER ROLE postgres PASSWORD '$PG_SUPER_PASSWORD';
CREATE ROLE assay LOGIN PASSWORD '$PG_ASSAY_PASSWORD';
GRANT pg_monitor TO assay;
CREATE ROLE app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_APP_PASSWORD';
CREATE DATABASE app OWNER app;
EOF
    # pg_monitor cannot read pg_hba.conf's rules; the audit role may (read-only, and no secrets).
    psql_admin app >/dev/null <<'EOF'
CREATE EXTENSION pg_stat_statements;
GRANT SELECT ON pg_catalog.pg_hba_file_rules TO assay;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO assay;
SET ROLE app;
CREATE TABLE public.items (id serial PRIMARY KEY, name text);
INSERT INTO public.items (name) VALUES ('anvil'), ('bolt'), ('crate'), ('drill');
RESET ROLE;
SELECT pg_stat_statements_reset();
EOF
}

# `"name" "SCRAM-SHA-256$…"` lines for PgBouncer's auth_file.
postgres_verifiers() {
    psql_admin postgres -At -c \
        "SELECT format('\"%s\" \"%s\"', rolname, rolpassword) FROM pg_authid WHERE rolname IN ('assay', 'app') ORDER BY rolname"
}

postgres_pid() {
    local data
    data=$(state_get PG_DATA)
    [[ -n "$data" && -f "$data/postmaster.pid" ]] && head -n 1 "$data/postmaster.pid"
    return 0
}

postgres_up() {
    local data port
    data=$(state_get PG_DATA)
    port=$(state_get PG_PORT)
    [[ -n "$data" && -n "$port" ]] || return 1
    pid_matches "$(postgres_pid)" "$data" &&
        pg_isready -q -h 127.0.0.1 -p "$port" -t 2 >/dev/null 2>&1
}

postgres_stop() {
    local data pid
    data=$(state_get PG_DATA)
    [[ -n "$data" && -f "$data/postmaster.pid" ]] || return 0
    pid=$(postgres_pid)
    pid_matches "$pid" "$data" || return 0
    as_postgres "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
        stop_pid "$pid" "$data" 5
}

# MARK: - The hook's outputs (see scripts/stack.d/kinds/README.md)
postgres_describe() { printf '127.0.0.1:%s' "$(state_get PG_PORT)"; }
postgres_env() {
    local pg
    pg=$(state_get PG_PORT)
    echo "ASSAY_STACK_POSTGRES_URL=postgres://assay:$PG_ASSAY_PASSWORD@127.0.0.1:$pg/app"
    echo "ASSAY_STACK_POSTGRES_ADMIN_URL=postgres://postgres:$PG_SUPER_PASSWORD@127.0.0.1:$pg/app"
    echo "ASSAY_STACK_POSTGRES_PORT=$pg"
    echo "ASSAY_STACK_POSTGRES_PASSWORD=$PG_ASSAY_PASSWORD"
}
postgres_target() {
    echo "  - { name: postgres, kind: postgres, url: \"postgres://assay@127.0.0.1:$(state_get PG_PORT)/app\", password_env: ASSAY_STACK_POSTGRES_PASSWORD }"
}
