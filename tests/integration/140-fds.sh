#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 140-fds.sh: --preserve-fds N passes exactly fds 3..3+N-1, through run and through create+start;
# LISTEN_FDS/LISTEN_PID are set for socket activation as crun does (LISTEN_FDS=N in the runtime's
# environment passes N fds on top of --preserve-fds; never over the config's own); nothing else
# reaches the container.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

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
check_eq "LISTEN_FDS=3 with --preserve-fds 2: 3 announced (crun adds them to the preserved)" 3 "$(kv LISTEN_FDS "$OUT")"
check_eq "LISTEN_FDNAMES is passed on" "a:b:c" "$(kv LISTEN_FDNAMES "$OUT")"
prun LISTEN_FDS=2 LISTEN_PID=$$ --
check_eq "LISTEN_FDS without --preserve-fds: announced, as crun" 2 "$(kv LISTEN_FDS "$OUT")"
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
