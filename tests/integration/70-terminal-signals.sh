#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 70-terminal-signals.sh: process.terminal without a console socket gives the container a pts
# relayed by `run`, with the exit status propagated; `run` in the foreground forwards SIGTERM.
source "$OCIRT_TESTS/lib/common.sh"
# --- shared prelude of tests/integration (kept inline: every script stands alone) ---
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
state_left() {
        ls -A "$STATE_ROOT" 2>/dev/null
}
# --- end of prelude ---

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it70-$$
b=$(new_bundle)

# --- terminal ---
if command -v script >/dev/null 2>&1; then
        cfg "$b" '.process.terminal = true'
        # script(1) gives `run` a terminal of its own: this session has none.
        tty_run() { # ID: run under script(1); OUT (the terminal's output, CRs removed), RC
                local cmd
                cmd=$(printf '%q ' "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$1")
                RC=0
                OUT=$(timeout -k 2 10 script -qec "$cmd" /dev/null </dev/null 2>&1) || RC=$?
                OUT=$(tr -d '\r' <<<"$OUT")
        }
        args "$b" $P tty
        tty_run "$ID-tty"
        check_eq "terminal: exit 0" 0 "$RC"
        if grep -Eq '/dev/pts/[0-9]+' <<<"$OUT"; then ok "terminal: the container's stdin is a pts"; else fail "terminal: the container's stdin is a pts" "$OUT"; fi
        rm_ctr "$ID-tty"
        args "$b" $P echo through the terminal
        tty_run "$ID-tty2"
        check_contains "terminal: output is relayed" "through the terminal" "$OUT"
        rm_ctr "$ID-tty2"
        args "$b" $P exit 5
        tty_run "$ID-tty3"
        check_eq "terminal: the exit status is propagated" 5 "$RC"
        rm_ctr "$ID-tty3"
        args "$b" $P kill-self KILL
        tty_run "$ID-tty4"
        check_eq "terminal: death by SIGKILL is 137" 137 "$RC"
        rm_ctr "$ID-tty4"
        args "$b" $P fds
        tty_run "$ID-tty5"
        # script(1) may echo a control character in front of the first line.
        fds=$(sed -n 's/^[^0-9]*\([0-9][0-9]*\) ->.*/\1/p' <<<"$OUT" | sort -n | tr '\n' ' ' | sed 's/ $//')
        check_eq "terminal: only fds 0 1 2 in the container" "0 1 2" "$fds"
        [ "$fds" = "0 1 2" ] || diag "$OUT"
        rm_ctr "$ID-tty5"
        cfg "$b" '.process.terminal = false'
else
        for t in "terminal: exit 0" "terminal: pts" "terminal: output" "terminal: exit status" "terminal: 137" "terminal: fds"; do
                skip "$t" "script(1) is missing (util-linux)"
        done
fi

# Without a terminal, stdin is whatever the caller passed: /dev/null here, not a tty.
args "$b" $P tty
r run --bundle "$b" "$ID-notty"
if ! grep -Eq '/dev/pts/[0-9]+' <<<"$OUT"; then ok "terminal false: no pts"; else fail "terminal false: no pts" "$OUT"; fi
rm_ctr "$ID-notty"

# --- run forwards SIGTERM to the container ---
args "$b" $P signal-wait
id=$ID-fwd
"$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$id" >"$b/fwd.out" 2>"$b/fwd.err" </dev/null &
rpid=$!
wait_status "$id" running || diag "never running: $(status_of "$id")"
# The probe is pid 1: until its handler is in place TERM is ignored, so repeat until run exits.
for ((i = 0; i < 50; i++)); do
        kill -0 "$rpid" 2>/dev/null || break
        kill -TERM "$rpid" 2>/dev/null
        sleep 0.1
done
if kill -0 "$rpid" 2>/dev/null; then
        fail "run forwards SIGTERM: run exits" "still running after 5 s"
        kill -KILL "$rpid" 2>/dev/null
fi
RC=0
wait "$rpid" || RC=$?
check_eq "run forwards SIGTERM: exit 0 (the container handled it)" 0 "$RC"
check_contains "run forwards SIGTERM: the container printed it" TERM "$(cat "$b/fwd.out")"
[ "$RC" -eq 0 ] || diag "stderr: $(cat "$b/fwd.err")"
check_eq "run forwards SIGTERM: no state left" none "$(status_of "$id")"
rm_ctr "$id"

# `ocirt kill ID KILL` while `run` waits in the foreground: run reports 137.
args "$b" $P sleep 30
id=$ID-killed
"$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$id" >"$b/k.out" 2>"$b/k.err" </dev/null &
rpid=$!
wait_status "$id" running || diag "never running: $(status_of "$id")"
r kill "$id" KILL
for ((i = 0; i < 50; i++)); do
        kill -0 "$rpid" 2>/dev/null || break
        sleep 0.1
done
kill -0 "$rpid" 2>/dev/null && kill -KILL "$rpid" 2>/dev/null
RC=0
wait "$rpid" || RC=$?
check_eq "run: the container killed with 'ocirt kill ID KILL' gives 137" 137 "$RC"
check_eq "run: no state left after the kill" none "$(status_of "$id")"
rm_ctr "$id"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
