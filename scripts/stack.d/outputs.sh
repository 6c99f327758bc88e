# shellcheck shell=bash
# What `scripts/stack up` leaves for its users: DIR/files (copies of the live configuration),
# DIR/stack.env (read by Tests/AssayTestSupport/LiveStack.swift) and DIR/assay.yaml.
# Sourced by scripts/stack; uses the passwords set by the start functions.

write_files_dir() {
    local files=$DIR/files data pgb
    data=$(state_get PG_DATA)
    pgb=$(state_get PGB_ROOT)
    install -d -m 0700 "$files"
    install -m 0600 "$data/postgresql.conf" "$data/pg_hba.conf" \
        "$pgb/pgbouncer.ini" "$pgb/userlist.txt" "$(state_get REDIS_CONF)" "$files/"
}

write_stack_env() {
    local pg pgb redis sock
    pg=$(state_get PG_PORT)
    pgb=$(state_get PGB_PORT)
    redis=$(state_get REDIS_PORT)
    sock=$(state_get DOCKER_SOCK)
    (
        umask 077
        cat >"$DIR/stack.env.tmp" <<EOF
# Written by scripts/stack up; secrets: keep this file private (mode 0600).
ASSAY_STACK_DIR=$DIR
ASSAY_STACK_POSTGRES_URL=postgres://assay:$PG_ASSAY_PASSWORD@127.0.0.1:$pg/app
ASSAY_STACK_POSTGRES_ADMIN_URL=postgres://postgres:$PG_SUPER_PASSWORD@127.0.0.1:$pg/app
ASSAY_STACK_PGBOUNCER_URL=postgres://assay:$PG_ASSAY_PASSWORD@127.0.0.1:$pgb/pgbouncer
ASSAY_STACK_PGBOUNCER_APP_URL=postgres://app:$PG_APP_PASSWORD@127.0.0.1:$pgb/app
ASSAY_STACK_REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:$redis/0
ASSAY_STACK_DOCKER_URL=unix://$sock
ASSAY_STACK_DOCKER_IMAGE=$DOCKER_IMAGE
ASSAY_STACK_POSTGRES_PORT=$pg
ASSAY_STACK_PGBOUNCER_PORT=$pgb
ASSAY_STACK_REDIS_PORT=$redis
ASSAY_STACK_REDIS_PID=$(state_get REDIS_PID)
ASSAY_STACK_DOCKER_PID=$(state_get DOCKER_PID)
ASSAY_STACK_FILES_DIR=$DIR/files
ASSAY_STACK_POSTGRES_PASSWORD=$PG_ASSAY_PASSWORD
ASSAY_STACK_PGBOUNCER_PASSWORD=$PG_ASSAY_PASSWORD
ASSAY_STACK_REDIS_PASSWORD=$REDIS_PASSWORD
EOF
    )
    mv "$DIR/stack.env.tmp" "$DIR/stack.env"
}

write_assay_yaml() {
    cat >"$DIR/assay.yaml" <<EOF
# Assay configuration for the stack in $DIR (written by scripts/stack up).
# Passwords come from the environment: set -a; . $DIR/stack.env; set +a
targets:
  - { name: stack-files, kind: files, path: "$DIR/files" }
  - { name: postgres, kind: postgres, url: "postgres://assay@127.0.0.1:$(state_get PG_PORT)/app", password_env: ASSAY_STACK_POSTGRES_PASSWORD }
  - { name: pgbouncer, kind: pgbouncer, url: "postgres://assay@127.0.0.1:$(state_get PGB_PORT)/pgbouncer", password_env: ASSAY_STACK_PGBOUNCER_PASSWORD }
  - { name: redis, kind: redis, url: "redis://127.0.0.1:$(state_get REDIS_PORT)/0", password_env: ASSAY_STACK_REDIS_PASSWORD }
  - { name: docker, kind: docker, url: "unix://$(state_get DOCKER_SOCK)" }
EOF
}
