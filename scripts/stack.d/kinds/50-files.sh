# shellcheck shell=bash
# The `files` target kind: a folder of copies of the live servers' configuration files
# (postgresql.conf, pg_hba.conf, pgbouncer.ini, userlist.txt, redis.conf), written once the
# servers run. Sourced by scripts/stack as the hook of the `files` target kind.

files_start() {
    local files=$DIR/files data pgb
    data=$(state_get PG_DATA)
    pgb=$(state_get PGB_ROOT)
    install -d -m 0700 "$files"
    install -m 0600 "$data/postgresql.conf" "$data/pg_hba.conf" \
        "$pgb/pgbouncer.ini" "$pgb/userlist.txt" "$(state_get REDIS_CONF)" "$files/"
}
files_stop() { return 0; }
files_up() { [[ -d "$DIR/files" ]]; }

# MARK: - The hook's outputs (see scripts/stack.d/kinds/README.md)
files_describe() { printf '%s' "$DIR/files"; }
files_env() { echo "ASSAY_STACK_FILES_DIR=$DIR/files"; }
files_target() { echo "  - { name: stack-files, kind: files, path: \"$DIR/files\" }"; }
