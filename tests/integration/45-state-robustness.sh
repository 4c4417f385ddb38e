#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 45-state-robustness.sh: what `delete --force` can still clean up (issue 13.6) and the id limit
# (13.8), root and rootless:
#   - `create` SIGKILLed at delays spread over its whole run: delete --force returns 0, `list` is
#     empty, no cgroup directory of the container is left in any hierarchy, no process of it lives;
#   - a created container whose state.json was cut short (truncated, emptied, or "{}"): delete
#     --force kills the init and removes its cgroup and state (from the record written before);
#   - ids: 243 characters work (ocirt-ID.scope fits in a 255-byte name), 244 are refused up front
#     with the limit in the message, and nothing is left behind.
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
need timeout "coreutils timeout sends the SIGKILL"
P=/usr/bin/probe
ID=st45-$$
CG=/sys/fs/cgroup

# The container's cgroup directories in every hierarchy (the default path /ocirt/ID as root).
cgroups_of() {
        local id=$1
        is_root || return 0
        ls -d "$CG"/*/ocirt/"$id" "$CG/ocirt/$id" 2>/dev/null
}
# Processes still running the unique command line of this script's containers.
MARK=45$$
procs_left() {
        local p n=0
        for p in /proc/[0-9]*; do
                # The program, or an init killed before its exec (its cmdline is the runtime's).
                tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qE "sleep $MARK| $ID-k[0-9]+ *\$" && n=$((n + 1))
        done
        echo $n
}
# gone PID START: the process that had that start time has exited (a zombie counts as gone).
gone() {
        local st
        st=$(awk -v s="$2" '$22 == s { print $3 }' "/proc/$1/stat" 2>/dev/null)
        [ -z "$st" ] || [ "$st" = Z ]
}

b=$(new_bundle)
args "$b" $P sleep "$MARK"

# ---------------------------------------------------------------- killed creates
# How long one create takes here, to spread the kills over it.
t0=$(date +%s%N)
oc create --bundle "$b" "$ID-cal" >/dev/null 2>&1 </dev/null
t=$((($(date +%s%N) - t0) / 1000000))
oc delete -f "$ID-cal" >/dev/null 2>&1
[ "$t" -lt 20 ] && t=20
diag "one create takes about $t ms"
creating=0 leaked="" failed="" lingering=""
# 16 kills spread over the create, then 8 more around its end: the window between the init's
# "created" and the runtime's record of it (an init left waiting for a start that cannot come).
for i in $(seq 1 24); do
        d=$((t * i / 14))
        [ "$i" -gt 16 ] && d=$((t * (76 + 4 * (i - 16)) / 100))
        id=$ID-k$i
        timeout -s KILL "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))" "$OCIRT_BIN" --root "$STATE_ROOT" \
                create --bundle "$b" "$id" >/dev/null 2>&1 </dev/null
        s=$(oc state "$id" 2>/dev/null | jq -r '.status // empty')
        [ "$s" = creating ] && creating=$((creating + 1))
        oc delete --force "$id" >/dev/null 2>"$b/del.err" </dev/null || failed+=" $id($(cat "$b/del.err"))"
        left=$(cgroups_of "$id")
        [ -n "$left" ] && leaked+=" $id[$s]:$(wc -l <<<"$left")"
        for d in $left; do rmdir "$d" 2>/dev/null; done
done
no_procs() { [ "$(procs_left)" = 0 ]; }
wait_until 3 no_procs
lingering=$(procs_left)
diag "24 kills, $creating of them in 'creating'"
check_eq "killed creates: delete --force returns 0 for each" "" "$failed"
check_eq "killed creates: list is empty afterwards" "" "$(oc list -q 2>&1)"
if is_root; then
        check_eq "killed creates: no cgroup of them is left in any hierarchy" "" "$leaked"
fi
check_eq "killed creates: no process of them is left" 0 "$lingering"
if [ "$creating" -eq 0 ]; then
        diag "no kill landed in 'creating' on this run: the leak check above proved less than it could"
fi

# ---------------------------------------------------------------- corrupt state.json
for how in truncate empty object; do
        id=$ID-$how
        oc create --bundle "$b" "$id" >/dev/null 2>&1 </dev/null
        pid=$(oc state "$id" | jq -r .pid)
        start=$(awk '{ print $22 }' "/proc/$pid/stat")
        case $how in
        truncate) truncate -s 30 "$STATE_ROOT/$id/state.json" ;;
        empty) : >"$STATE_ROOT/$id/state.json" ;;
        object) echo '{}' >"$STATE_ROOT/$id/state.json" ;;
        esac
        timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>"$b/del.err" </dev/null
        rc=$?
        wait_until 3 gone "$pid" "$start"
        check_eq "state.json $how: delete --force returns 0" 0 "$rc"
        if gone "$pid" "$start"; then
                ok "state.json $how: the init is killed"
        else
                fail "state.json $how: the init is killed" "pid $pid still runs"
                kill -KILL "$pid" 2>/dev/null
        fi
        check_eq "state.json $how: the state dir is gone" "" "$(ls -d "$STATE_ROOT/$id" 2>/dev/null)"
        if is_root; then
                left=$(cgroups_of "$id")
                check_eq "state.json $how: no cgroup is left" "" "$left"
                for d in $left; do rmdir "$d" 2>/dev/null; done
        fi
done

# ---------------------------------------------------------------- id length
long=$(printf 'a%.0s' $(seq 1 243))
oc create --bundle "$b" "$long" >/dev/null 2>"$b/err" </dev/null
rc=$?
check_eq "an id of 243 characters: create works" "0 created" "$rc $(oc state "$long" 2>/dev/null | jq -r .status)"
oc delete --force "$long" >/dev/null 2>&1
check_eq "an id of 243 characters: delete --force leaves nothing" "" "$(ls "$STATE_ROOT"; cgroups_of "$long")"
for n in 244 256 1024; do
        long=$(printf 'b%.0s' $(seq 1 $n))
        oc create --bundle "$b" "$long" >/dev/null 2>"$b/err" </dev/null
        rc=$?
        if [ $rc -ne 0 ] && grep -q '243' "$b/err" && ! grep -qi 'too long' "$b/err"; then
                ok "an id of $n characters is refused up front, naming the limit"
        else
                fail "an id of $n characters is refused up front, naming the limit" "rc=$rc $(cat "$b/err")"
        fi
        check_eq "an id of $n characters: nothing is left behind" "" "$(ls "$STATE_ROOT"; cgroups_of "$long")"
        oc delete --force "$long" >/dev/null 2>&1
done

done_testing
