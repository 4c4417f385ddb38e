# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/prelude.sh: helpers shared by the integration scripts, sourced after common.sh.
# (It lives in lib/ because tests/run runs every .sh file under integration/ as a test.)
# r ARGS...: ocirt --root STATE_ROOT ARGS under a time limit (10 s, then KILL: a foreground run
# forwards the TERM of timeout(1) to its container), for commands that leave no container
# process holding stdout; sets OUT, ERR and RC. rf FILE ARGS...: the same with stdout in FILE and
# stderr in FILE.err (create, run --detach: the container keeps its stdio open).
r() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}
# shellcheck disable=SC2034 # OUT and ERR are for the caller
rf() {
        local o=$1
        shift
        RC=0
        timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" >"$o" 2>"$o.err" </dev/null || RC=$?
        OUT=$(cat "$o")
        ERR=$(cat "$o.err")
}
# alive PID: the process exists and is not a zombie.
alive() {
        [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
# status_of ID: the container's status from `state`, or "none".
status_of() {
        local s
        s=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$1" 2>/dev/null </dev/null) || { echo none; return; }
        jq -r '.status // "none"' <<<"$s" 2>/dev/null || echo none
}
# wait_status ID STATUS [TENTHS]: poll until the container has STATUS (default 5 s).
wait_status() {
        local i n=${3:-50}
        for ((i = 0; i < n; i++)); do
                [ "$(status_of "$1")" = "$2" ] && return 0
                sleep 0.1
        done
        return 1
}
# rm_ctr ID...: force-delete, quietly, whatever state the containers are in.
rm_ctr() {
        local id
        for id in "$@"; do
                timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 </dev/null || true
        done
}
# field KEY TEXT: the value of the first KEY=value word in TEXT (the probe's output format).
field() {
        grep -oE "(^|[[:space:]])$1=[^[:space:]]*" <<<"$2" | head -n 1 | sed 's/^[[:space:]]*[^=]*=//'
}
# state_left: what is under the state root (nothing when it does not exist).
state_left() { # the compiled seccomp programs kept for later runs are not a container's
        ls -A "$STATE_ROOT" 2>/dev/null | grep -vx '.seccomp-cache'
}
# probe ARGS...: run /usr/bin/probe ARGS in a fresh container of bundle $b named "$ID-<n>" (the
# caller sets b and ID; n counts), then delete it; sets OUT, ERR and RC as r does. A script that
# defines its own probe() after sourcing this file replaces it.
probe() {
        n=$((${n:-0} + 1))
        args "$b" /usr/bin/probe "$@"
        r run --bundle "$b" "$ID-$n"
        rm_ctr "$ID-$n"
}
# run_bundle BUNDLE ARGS...: set process.args, run a fresh container of BUNDLE (its id, $ID-bN, in
# LAST_ID) and delete it; OUT gets its stdout and stderr, RC its status.
_rb_n=0
run_bundle() {
        local b=$1
        shift
        _rb_n=$((_rb_n + 1))
        LAST_ID=$ID-b$_rb_n
        args "$b" "$@"
        r run --bundle "$b" "$LAST_ID"
        OUT=$OUT${ERR:+$'\n'$ERR}
        rm_ctr "$LAST_ID"
}
