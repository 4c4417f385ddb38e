#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 140-fds.sh: --preserve-fds N passes exactly fds 3..3+N-1, through run and through create+start;
# LISTEN_FDS/LISTEN_PID are set for socket activation as runc does (only with --preserve-fds,
# never more than are passed, never over the config's own); nothing else reaches the container.
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
ID=it140-$$
b=$(new_bundle)
n=0
fdlist() { sed -n 's/^\([0-9][0-9]*\) ->.*/\1/p' <<<"$1" | sort -n | tr '\n' ' ' | sed 's/ $//'; }
echo three >"$b/f3"
echo four >"$b/f4"
echo five >"$b/f5"

# prun ENV... -- OCIRT-ARGS...: run with extra environment for the runtime, fds 3-5 open.
prun() {
        local -a envs=()
        while [ "$1" != -- ]; do envs+=("$1"); shift; done
        shift
        n=$((n + 1))
        RC=0
        OUT=$(env "${envs[@]}" timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" run "$@" --bundle "$b" "$ID-$n" \
                3<"$b/f3" 4<"$b/f4" 5<"$b/f5" 2>"$_t_dir/err" </dev/null) || RC=$?
        ERR=$(cat "$_t_dir/err")
        rm_ctr "$ID-$n"
}

args "$b" $P fds
prun -- --preserve-fds 2
check_eq "--preserve-fds 2: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "--preserve-fds 2: exactly 0-4 are open" "0 1 2 3 4" "$(fdlist "$OUT")"
args "$b" /bin/sh -c "cat /proc/self/fd/3 /proc/self/fd/4"
prun -- --preserve-fds 2
check_eq "--preserve-fds 2: fds 3 and 4 are the caller's, in order" "three four" "$(echo $OUT)"
args "$b" $P fds
prun -- --preserve-fds 0
check_eq "--preserve-fds 0: only 0-2" "0 1 2" "$(fdlist "$OUT")"

# --- socket activation ---
args "$b" $P env
prun LISTEN_FDS=2 LISTEN_PID=$$ -- --preserve-fds 2
check_eq "LISTEN_FDS=2 with --preserve-fds 2: LISTEN_FDS" 2 "$(kv LISTEN_FDS "$OUT")"
check_eq "LISTEN_FDS=2 with --preserve-fds 2: LISTEN_PID is the program's (1 in its pid namespace)" 1 "$(kv LISTEN_PID "$OUT")"
prun LISTEN_FDS=3 LISTEN_PID=$$ LISTEN_FDNAMES=a:b:c -- --preserve-fds 2
check_eq "LISTEN_FDS=3 with --preserve-fds 2: only the 2 passed are announced" 2 "$(kv LISTEN_FDS "$OUT")"
check_eq "LISTEN_FDNAMES is passed on" "a:b:c" "$(kv LISTEN_FDNAMES "$OUT")"
prun LISTEN_FDS=2 LISTEN_PID=$$ --
check_eq "LISTEN_FDS without --preserve-fds: not announced" "" "$(kv LISTEN_FDS "$OUT")"
cfg "$b" '.process.env += ["LISTEN_FDS=9"]'
prun LISTEN_FDS=2 LISTEN_PID=$$ -- --preserve-fds 2
check_eq "LISTEN_FDS in the config wins" 9 "$(kv LISTEN_FDS "$OUT")"
cfg "$b" '.process.env |= map(select(startswith("LISTEN_FDS=") | not))'

# --- create + start: the preserved fd survives the wait for start ---
args "$b" /bin/sh -c "$P fds; cat /proc/self/fd/3"
RC=0
timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" create --preserve-fds 1 --bundle "$b" "$ID-cs" \
        3<"$b/f3" 4<"$b/f4" >"$_t_dir/cs.out" 2>"$_t_dir/cs.err" </dev/null || RC=$?
check_eq "create --preserve-fds 1: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$(cat "$_t_dir/cs.err")"
r start "$ID-cs"
check_eq "start: exit 0" 0 "$RC"
wait_until 5 grep -q three "$_t_dir/cs.out"
out=$(cat "$_t_dir/cs.out")
check_eq "create+start --preserve-fds 1: fds 0-3" "0 1 2 3" "$(fdlist "$out")"
check_contains "create+start: fd 3 is the caller's" three "$out"
rm_ctr "$ID-cs"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
