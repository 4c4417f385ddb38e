#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 60-process.sh: the process as configured: env, cwd, user, rlimits; only fds 0-2 unless
# --preserve-fds; the uid/gid maps.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it60-$$
b=$(new_bundle)
n=0

# probe ARGS...: run the probe in a fresh container of bundle $b; OUT, ERR, RC.
probe() {
        n=$((n + 1))
        args "$b" $P "$@"
        r run --bundle "$b" "$ID-$n"
        rm_ctr "$ID-$n"
}

# --- env ---
cfg "$b" '.process.env += ["OCIRT_TEST_VAR=hello world", "EMPTY_VAR="]'
probe env
check_eq "env: exit 0" 0 "$RC"
if grep -Eq '^PATH=.*/usr/bin' <<<"$OUT"; then ok "env: the default PATH is present"; else fail "env: the default PATH is present" "$OUT"; fi
if grep -qx 'OCIRT_TEST_VAR=hello world' <<<"$OUT"; then ok "env: a custom variable is visible"; else fail "env: a custom variable is visible" "$OUT"; fi
if grep -qx 'EMPTY_VAR=' <<<"$OUT"; then ok "env: an empty variable is visible"; else fail "env: an empty variable is visible" "$OUT"; fi
# The test runner exports OCIRT_BIN, OCIRT_ROOTFS, ...: none of it belongs in the container.
check_eq "env: nothing of the caller's environment leaks in" "" "$(grep '^OCIRT_' <<<"$OUT" | grep -v '^OCIRT_TEST_VAR=')"

# --- cwd ---
cfg "$b" '.process.cwd = "/dev"'
probe cwd
check_eq "cwd: exit 0" 0 "$RC"
check_eq "cwd: process.cwd is honoured" /dev "$(sed 's/^cwd=//' <<<"$OUT")"
cfg "$b" '.process.cwd = "/"'

# --- user ---
probe ids
check_eq "user: uid 0 by default" 0 "$(field uid "$OUT")"
check_eq "user: gid 0 by default" 0 "$(field gid "$OUT")"
if is_root; then
        cfg "$b" '.process.user.uid = 1000 | .process.user.gid = 1000 | .process.user.additionalGids = [1234, 5678]'
        probe ids
        check_eq "user 1000/1000: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        for f in uid euid gid egid; do
                check_eq "user 1000/1000: $f" 1000 "$(field $f "$OUT")"
        done
        g=$(field groups "$OUT")
        if [[ ",$g," == *,1234,* && ",$g," == *,5678,* ]]; then ok "additionalGids: in the groups ($g)"; else fail "additionalGids: in the groups" "groups=$g"; fi
        cfg "$b" '.process.user = {"uid": 0, "gid": 0}'
else
        for t in "user 1000/1000: exit 0" "user 1000/1000: uid" "user 1000/1000: euid" "user 1000/1000: gid" "user 1000/1000: egid" "additionalGids"; do
                skip "$t" "rootless with a single mapping: only uid 0 exists in the container"
        done
fi

# --- rlimits ---
cfg "$b" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}]'
probe rlimit NOFILE
check_eq "rlimit NOFILE: exit 0" 0 "$RC"
if grep -Eq '(^|[^0-9])100([^0-9]|$)' <<<"$OUT" && grep -Eq '(^|[^0-9])200([^0-9]|$)' <<<"$OUT"; then
        ok "rlimit NOFILE: soft 100, hard 200"
else
        fail "rlimit NOFILE: soft 100, hard 200" "$OUT"
fi
cfg "$b" 'del(.process.rlimits)'

# --- fds: only 0, 1 and 2, even when the caller has more open ---
fdlist() { sed -n 's/^\([0-9][0-9]*\) ->.*/\1/p' <<<"$1" | sort -n | tr '\n' ' ' | sed 's/ $//'; }
exec 7</dev/null 8>"$b/fd8"
probe fds
check_eq "fds: exit 0" 0 "$RC"
check_eq "fds: only 0 1 2 are open in the container" "0 1 2" "$(fdlist "$OUT")"
[ "$(fdlist "$OUT")" = "0 1 2" ] || diag "$OUT"
exec 7<&- 8>&-

echo "preserved content" >"$b/preserved"
n=$((n + 1))
args "$b" $P fds
RC=0
OUT=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" run --preserve-fds 1 --bundle "$b" "$ID-$n" 3<"$b/preserved" 4</dev/null 2>"$b/err" </dev/null) || RC=$?
check_eq "--preserve-fds 1: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$(cat "$b/err")"
check_eq "--preserve-fds 1: fds 0 1 2 3 are open, 4 is not" "0 1 2 3" "$(fdlist "$OUT")"
[ "$(fdlist "$OUT")" = "0 1 2 3" ] || diag "$OUT"
rm_ctr "$ID-$n"
n=$((n + 1))
args "$b" $P read /proc/self/fd/3
RC=0
OUT=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" run --preserve-fds 1 --bundle "$b" "$ID-$n" 3<"$b/preserved" 2>"$b/err" </dev/null) || RC=$?
check_contains "--preserve-fds 1: fd 3 reads the caller's file" "preserved content" "$OUT"
rm_ctr "$ID-$n"

# --- uid and gid maps ---
probe uidmap
um=$(awk 'NF == 3 { print $1, $2, $3 }' <<<"$OUT")
probe gidmap
gm=$(awk 'NF == 3 { print $1, $2, $3 }' <<<"$OUT")
rootless_cfg=$(jq '[.linux.namespaces[] | select(.type == "user")] | length' "$b/config.json")
if [ "$rootless_cfg" -gt 0 ]; then
        # The caller is container root; `spec --rootless` adds the caller's subordinate range after it
        # when /etc/subuid has one (newuidmap writes those maps).
        check_eq "uid_map: first line 0 <caller uid> 1" "0 $(id -u) 1" "$(head -n1 <<<"$um")"
        check_eq "gid_map: first line 0 <caller gid> 1" "0 $(id -g) 1" "$(head -n1 <<<"$gm")"
        check_eq "uid_map: as in the config" \
                "$(jq -r '.linux.uidMappings[] | "\(.containerID) \(.hostID) \(.size)"' "$b/config.json")" "$um"
        check_eq "gid_map: as in the config" \
                "$(jq -r '.linux.gidMappings[] | "\(.containerID) \(.hostID) \(.size)"' "$b/config.json")" "$gm"
else
        check_eq "uid_map: the initial namespace's" "0 0 4294967295" "$um"
        check_eq "gid_map: the initial namespace's" "0 0 4294967295" "$gm"
fi

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
