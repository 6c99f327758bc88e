# shellcheck shell=bash
# Redis 7.0 of the stack: a config file in DIR/redis, run in the foreground by redis itself and
# backgrounded here. Sourced by scripts/stack as the hook of the `redis` target kind.

redis_write_conf() { # CONF ROOT PORT PASSWORD
    local conf=$1 root=$2 port=$3 password=$4
    (
        umask 077
        cat >"$conf" <<EOF
# Redis of the Assay test stack (scripts/stack).
bind 127.0.0.1
port $port
protected-mode yes
requirepass $password
# Deliberate finding: no memory limit.
maxmemory 0
appendonly no
daemonize no
supervised no
pidfile $root/redis.pid
logfile $root/redis.log
dir $root/data
EOF
    )
}

# Whether the Redis on PORT answers with PASSWORD and is ours (another one could hold the port).
redis_ours() { # PORT PASSWORD PIDFILE
    [[ "$(REDISCLI_AUTH=$2 redis-cli -h 127.0.0.1 -p "$1" --no-auth-warning --raw config get pidfile 2>/dev/null)" == *"$3"* ]]
}

redis_start() {
    local root=$DIR/redis conf port attempt pid i
    conf=$root/redis.conf
    install -d -m 0700 "$root" "$root/data"
    state_set REDIS_CONF "$conf"
    REDIS_PASSWORD=$(random_password)
    for attempt in 1 2 3; do
        free_port && port=$FREE_PORT
        state_set REDIS_PORT "$port"
        redis_write_conf "$conf" "$root" "$port" "$REDIS_PASSWORD"
        launch "$root/redis.out" /usr/bin/redis-server "$conf"
        pid=$!
        state_set REDIS_PID "$pid"
        for ((i = 0; i < 200; i++)); do
            pid_matches "$pid" redis && redis_ours "$port" "$REDIS_PASSWORD" "$root/redis.pid" && return 0
            pid_matches "$pid" redis || break # a zombie has an empty command line
            sleep 0.05
        done
        redis_stop
        ((attempt < 3)) || { tail -n 20 "$root/redis.log" >&2; die "redis did not start"; }
        say "redis could not start on port $port; trying another"
    done
}

# redis-server rewrites its process title to `redis-server 127.0.0.1:PORT`.
redis_needle() { printf '127.0.0.1:%s' "$(state_get REDIS_PORT)"; }

redis_up() {
    local pid port
    pid=$(state_get REDIS_PID)
    port=$(state_get REDIS_PORT)
    [[ -n "$pid" && -n "$port" ]] || return 1
    pid_matches "$pid" "$(redis_needle)" && port_listening "$port"
}

redis_stop() {
    local pid
    pid=$(state_get REDIS_PID)
    [[ -n "$pid" ]] || return 0
    # Before it sets its title, the process still shows the path of its config file.
    if pid_matches "$pid" "$(state_get REDIS_CONF)"; then
        stop_pid "$pid" "$(state_get REDIS_CONF)" 10
    else
        stop_pid "$pid" "$(redis_needle)" 10
    fi
    return 0
}

# MARK: - The hook's outputs (see scripts/stack.d/kinds/README.md)
redis_describe() { printf '127.0.0.1:%s' "$(state_get REDIS_PORT)"; }
redis_env() {
    local redis
    redis=$(state_get REDIS_PORT)
    echo "ASSAY_STACK_REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:$redis/0"
    echo "ASSAY_STACK_REDIS_PORT=$redis"
    echo "ASSAY_STACK_REDIS_PID=$(state_get REDIS_PID)"
    echo "ASSAY_STACK_REDIS_PASSWORD=$REDIS_PASSWORD"
}
redis_target() {
    echo "  - { name: redis, kind: redis, url: \"redis://127.0.0.1:$(state_get REDIS_PORT)/0\", password_env: ASSAY_STACK_REDIS_PASSWORD }"
}
