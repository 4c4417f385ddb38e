#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 80-library.sh: tests/example-embed, which links the shared libocirt through ocirt.h only, runs a
# container in-process: output, exit status, and errors with their JSON path.
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

P=/usr/bin/probe
ID=it80-$$
read -ra EX <<<"${OCIRT_EXAMPLE:-}"
[ ${#EX[@]} -gt 0 ] || skip_all "OCIRT_EXAMPLE is not set"

# embed BUNDLE ID: run the example; OUT, ERR, RC.
embed() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 10 "${EX[@]}" "$STATE_ROOT" "$1" "$2" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}

b=$(new_bundle)
args "$b" $P echo embedded
embed "$b" "$ID-echo"
check_eq "example-embed: exit status 0" 0 "$RC"
check_eq "example-embed: the container's output, then its status" $'embedded\nexit status 0' "$OUT"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
check "example-embed: no state left" test ! -e "$STATE_ROOT/$ID-echo"
rm_ctr "$ID-echo"

args "$b" $P exit 7
embed "$b" "$ID-exit"
check_eq "example-embed: exit 7 is the program's status" 7 "$RC"
check_contains "example-embed: prints 'exit status 7'" "exit status 7" "$OUT"
rm_ctr "$ID-exit"

args "$b" $P kill-self KILL
embed "$b" "$ID-sig"
check_eq "example-embed: death by SIGKILL is 137" 137 "$RC"
check_contains "example-embed: prints 'exit status 137'" "exit status 137" "$OUT"
rm_ctr "$ID-sig"

# The embedding gets its errors as objects: message, where, hint.
args "$b" $P echo never
cfg "$b" '.linux.namespaces += [.linux.namespaces[0]]'
embed "$b" "$ID-bad"
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; then ok "example-embed: a bad config fails"; else fail "example-embed: a bad config fails" "exit $RC"; fi
check_contains "example-embed: the error's where is the JSON path" ".linux.namespaces[" "$ERR"
check_contains "example-embed: the error's message" "duplicate namespace type" "$ERR"
check_eq "example-embed: a bad config leaves no state" "" "$(state_left)"
rm_ctr "$ID-bad"

b2=$(new_bundle)
args "$b2" $P echo never
embed "$b2" "../escape"
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; then ok "example-embed: an invalid id fails"; else fail "example-embed: an invalid id fails" "exit $RC"; fi
check_eq "example-embed: an invalid id leaves nothing" "" "$(state_left)"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
