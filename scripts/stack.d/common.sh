# shellcheck shell=bash
# Shared helpers of scripts/stack: messages, the state file, free ports, process checks.
# Sourced; expects DIR (the stack folder) to be set.

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

# --- state: non-secret facts about the running stack (ports, pids, paths), KEY=value lines ---

state_set() { # KEY VALUE
    local file="$DIR/state"
    touch "$file"
    grep -v "^$1=" "$file" >"$file.tmp" || true
    printf '%s=%s\n' "$1" "$2" >>"$file.tmp"
    mv "$file.tmp" "$file"
}

state_get() { # KEY -> value or empty
    [[ -f "$DIR/state" ]] || return 0
    sed -n "s/^$1=//p" "$DIR/state" | tail -n 1
}

# --- a short folder under /tmp for unix sockets when DIR is too long for them (108 bytes) ---

aux_dir() {
    local aux
    aux=$(state_get AUX_DIR)
    if [[ -z "$aux" ]]; then
        aux=$(mktemp -d /tmp/assay-stack.XXXXXX)
        chmod 0711 "$aux"
        state_set AUX_DIR "$aux"
    fi
    printf '%s' "$aux"
}

# --- ports ---

# Ports in use on this machine (any state, IPv4 and IPv6), one per line, decimal.
ports_in_use() {
    local f
    for f in /proc/net/tcp /proc/net/tcp6; do
        [[ -r "$f" ]] || continue
        while read -r _ address _; do
            [[ "$address" == *:* ]] && echo $((16#${address##*:}))
        done < <(tail -n +2 "$f")
    done
    return 0
}

# Sets FREE_PORT to a port nobody uses, below the kernel's ephemeral range, not yet taken by this run.
# (A function that sets a variable, not one to call in $(...), so that TAKEN_PORTS persists.)
TAKEN_PORTS=" "
free_port() {
    local used i candidate
    used=" $(ports_in_use | sort -u | tr '\n' ' ') "
    for ((i = 0; i < 200; i++)); do
        candidate=$(shuf -i 12000-32000 -n 1)
        [[ "$used" == *" $candidate "* || "$TAKEN_PORTS" == *" $candidate "* ]] && continue
        TAKEN_PORTS+="$candidate "
        # shellcheck disable=SC2034 # read by the start functions
        FREE_PORT=$candidate
        return 0
    done
    die "found no free port"
}

# Whether something listens on 127.0.0.1:PORT.
port_listening() { # PORT
    local hex
    hex=$(printf '%04X' "$1")
    grep -qE "^ *[0-9]+: 0100007F:$hex 00000000:0000 0A " /proc/net/tcp
}

# --- processes ---

# Closes every descriptor above 2 of the current (sub)shell: servers must not hold the caller's
# pipes (CI would wait for them) nor the lock of scripts/stack.
close_inherited_fds() {
    local fd
    for fd in "/proc/$BASHPID/fd/"*; do
        fd=${fd##*/}
        if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    return 0
}

# Runs COMMAND in the background in its own session, output appended to LOG; $! is its pid.
launch() { # LOG COMMAND...
    local log=$1
    shift
    (close_inherited_fds && exec setsid "$@" </dev/null >>"$log" 2>&1) &
}

# Runs COMMAND in its own session and waits for it (for commands that daemonize themselves).
launch_wait() { # LOG COMMAND...
    local log=$1
    shift
    (close_inherited_fds && exec setsid -w "$@" </dev/null >>"$log" 2>&1)
}

# Whether PID is alive and its command line contains NEEDLE (guards against pid reuse).
pid_matches() { # PID NEEDLE
    local pid=$1 needle=$2 cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    [[ -n "$cmdline" && "$cmdline" == *"$needle"* ]]
}

# Sends TERM to PID if it matches NEEDLE, waits up to SECONDS, then KILL.
stop_pid() { # PID NEEDLE SECONDS
    local pid=$1 needle=$2 seconds=${3:-10} i
    pid_matches "$pid" "$needle" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < seconds * 10; i++)); do
        pid_matches "$pid" "$needle" || return 0
        sleep 0.1
    done
    say "pid $pid did not stop in ${seconds}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
        pid_matches "$pid" "$needle" || return 0
        sleep 0.1
    done
    return 0
}

# Pids whose command line contains NEEDLE (a path unique to this stack).
pids_with() { # NEEDLE
    local pid
    for pid in $(pgrep -f -- "$1" 2>/dev/null); do
        ((pid != BASHPID)) && pid_matches "$pid" "$1" && echo "$pid"
    done
    return 0
}

# Waits until COMMAND succeeds, up to SECONDS; returns 1 on timeout.
wait_for() { # SECONDS COMMAND...
    local seconds=$1 i
    shift
    for ((i = 0; i < seconds * 20; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

random_password() { openssl rand -hex 24; }
