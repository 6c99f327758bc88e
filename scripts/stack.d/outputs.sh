# shellcheck shell=bash
# What `scripts/stack up` leaves for its users: DIR/stack.env (read by
# Tests/AssayTestSupport/LiveStack.swift) and DIR/assay.yaml, from every kind hook's `_env` and
# `_target`. Sourced by scripts/stack; uses the passwords set by the start functions.

write_stack_env() {
    local kind
    (
        umask 077
        {
            echo "# Written by scripts/stack up; secrets: keep this file private (mode 0600)."
            echo "ASSAY_STACK_DIR=$DIR"
            for kind in "${KINDS[@]}"; do "${kind}_env"; done
        } >"$DIR/stack.env.tmp"
    )
    mv "$DIR/stack.env.tmp" "$DIR/stack.env"
}

write_assay_yaml() {
    local kind
    {
        echo "# Assay configuration for the stack in $DIR (written by scripts/stack up)."
        echo "# Passwords come from the environment: set -a; . $DIR/stack.env; set +a"
        echo "targets:"
        for kind in "${KINDS[@]}"; do "${kind}_target"; done
    } >"$DIR/assay.yaml"
}
