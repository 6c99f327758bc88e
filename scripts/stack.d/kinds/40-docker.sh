# shellcheck shell=bash
# The stack's own Docker engine (dockerd + its containerd), a busybox image imported without a
# registry, and the demo containers. Sourced by scripts/stack as the hook of the `docker` target kind.

DOCKER_IMAGE=assay/busybox:1

docker_cli() {
    DOCKER_CONFIG="$DIR/docker/cli" /usr/bin/docker -H "unix://$(state_get DOCKER_SOCK)" "$@"
}

docker_ping() { # SOCKET
    [[ -S "$1" ]] && [[ "$(curl -s -m 2 --unix-socket "$1" http://localhost/_ping 2>/dev/null)" == OK ]]
}

# Starts dockerd in the background; docker_finish waits for it.
docker_launch() {
    local root=$DIR/docker sock exec namespace
    install -d -m 0700 "$root" "$root/data" "$root/cli"
    sock=$root/docker.sock
    ((${#sock} <= 100)) || sock=$(aux_dir)/docker.sock
    exec=$root/exec
    # containerd puts its sockets under the exec-root: keep it short.
    ((${#exec} <= 60)) || exec=$(aux_dir)/exec
    namespace="assay-$(printf '%s' "$DIR" | sha256sum | cut -c1-12)"
    state_set DOCKER_SOCK "$sock"
    state_set DOCKER_EXEC "$exec"
    state_set DOCKER_DATA "$root/data"
    launch "$root/dockerd.log" /usr/sbin/dockerd \
        --host "unix://$sock" --data-root "$root/data" --exec-root "$exec" \
        --pidfile "$root/docker.pid" --iptables=false --ip-forward=false --bridge=none \
        --storage-driver=vfs \
        --containerd-namespace "$namespace" --containerd-plugins-namespace "$namespace-plugins"
    state_set DOCKER_PID "$!"
}

docker_make_image() {
    local image=$DIR/docker/image tool
    install -d -m 0755 "$image" "$image/bin" "$image/tmp"
    install -m 0755 /bin/busybox "$image/bin/busybox"
    for tool in sh sleep true false id cat; do ln -sf busybox "$image/bin/$tool"; done
    tar -C "$image" -c . | docker_cli import -c 'CMD ["/bin/sleep","100000"]' - "$DOCKER_IMAGE" >/dev/null
    rm -rf "$image"
}

docker_make_containers() {
    local sock
    sock=$(state_get DOCKER_SOCK)
    docker_cli run -d --name assay-web --network none --user 1000 --memory 64m --pids-limit 64 \
        --read-only --security-opt no-new-privileges \
        --health-cmd true --health-interval 2s --restart on-failure:3 "$DOCKER_IMAGE" >/dev/null
    docker_cli run -d --name assay-unhealthy --network none \
        --health-cmd false --health-interval 1s --health-retries 1 "$DOCKER_IMAGE" >/dev/null
    # A privileged container cannot start here; existing is enough for the audit.
    docker_cli create --name assay-privileged --network none --privileged "$DOCKER_IMAGE" >/dev/null
    docker_cli create --name assay-docker-sock --network none \
        -v "$sock:/var/run/docker.sock" "$DOCKER_IMAGE" >/dev/null
}

docker_finish() {
    local sock
    sock=$(state_get DOCKER_SOCK)
    if ! wait_for 30 docker_ping "$sock"; then
        tail -n 20 "$DIR/docker/dockerd.log" >&2
        die "dockerd did not answer on $sock"
    fi
    state_set DOCKER_PID "$(cat "$DIR/docker/docker.pid")"
    docker_make_image
    docker_make_containers
}

docker_up() {
    local sock
    sock=$(state_get DOCKER_SOCK)
    [[ -n "$sock" ]] && pid_matches "$(state_get DOCKER_PID)" "$(state_get DOCKER_DATA)" &&
        docker_ping "$sock"
}

# Kills what is left of this engine's containerd and shims (found by the exec-root path only
# this stack uses), the shims' container processes first.
docker_kill_leftovers() {
    local exec=$1 pid child
    for pid in $(pids_with "$exec/"); do
        for child in $(pgrep -P "$pid" 2>/dev/null); do
            if pid_matches "$pid" containerd-shim; then kill -KILL "$child" 2>/dev/null || true; fi
        done
        stop_pid "$pid" "$exec/" 5
    done
    return 0
}

docker_unmount_leftovers() {
    local prefix mount
    for prefix in "$@"; do
        [[ -n "$prefix" ]] || continue
        awk '{ print $2 }' /proc/mounts | { grep -F "$prefix/" || true; } | sort -r | while read -r mount; do
            if [[ "$mount" == "$prefix"/* ]]; then umount -l "$mount" 2>/dev/null || true; fi
        done
    done
    return 0
}

docker_stop() {
    local sock pid data exec
    local -a ids=()
    sock=$(state_get DOCKER_SOCK)
    data=$(state_get DOCKER_DATA)
    exec=$(state_get DOCKER_EXEC)
    [[ -n "$data" ]] || return 0
    if [[ -n "$sock" ]] && docker_ping "$sock"; then
        mapfile -t ids < <(docker_cli ps -aq 2>/dev/null || true)
        ((${#ids[@]} == 0)) || docker_cli rm -f "${ids[@]}" >/dev/null 2>&1 || true
    fi
    for pid in "$(cat "$DIR/docker/docker.pid" 2>/dev/null)" "$(state_get DOCKER_PID)"; do
        [[ -n "$pid" ]] && stop_pid "$pid" "--data-root $data" 20
    done
    [[ -z "$exec" ]] || docker_kill_leftovers "$exec"
    docker_unmount_leftovers "$DIR" "$(state_get AUX_DIR)"
}

# MARK: - The hook's outputs (see scripts/stack.d/kinds/README.md)
docker_start() { docker_finish; }
docker_describe() { printf 'unix://%s' "$(state_get DOCKER_SOCK)"; }
docker_env() {
    echo "ASSAY_STACK_DOCKER_URL=unix://$(state_get DOCKER_SOCK)"
    echo "ASSAY_STACK_DOCKER_IMAGE=$DOCKER_IMAGE"
    echo "ASSAY_STACK_DOCKER_PID=$(state_get DOCKER_PID)"
}
docker_target() {
    echo "  - { name: docker, kind: docker, url: \"unix://$(state_get DOCKER_SOCK)\" }"
}
