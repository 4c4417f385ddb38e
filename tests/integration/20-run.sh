#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 20-run.sh: `ocirt run` prints the container's output and exits with its status; inside, pid 1,
# uid 0 and the configured hostname; --pid-file, --detach, --keep, --config, a relative --bundle
# and the current directory as the default bundle.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq reads the state JSON"
P=/usr/bin/probe
ID=it20-$$

# --- output and exit status ---
b=$(new_bundle)
args "$b" $P echo hello from the container
r run --bundle "$b" "$ID-echo"
check_eq "run: exit status 0" 0 "$RC"
check_eq "run: prints the container's output" "hello from the container" "$OUT"
[ -z "$ERR" ] || diag "stderr of a clean run: $ERR"
check "run: no state is left after the container exited" test ! -e "$STATE_ROOT/$ID-echo"
r state "$ID-echo"
if [ "$RC" -ne 0 ]; then ok "run: 'state' of the finished container fails"; else fail "run: 'state' of the finished container fails" "$OUT"; fi
rm_ctr "$ID-echo"

args "$b" $P exit 3
r run --bundle "$b" "$ID-exit"
check_eq "run: exit 3 gives exit status 3" 3 "$RC"
rm_ctr "$ID-exit"

args "$b" $P kill-self KILL
r run --bundle "$b" "$ID-sig"
check_eq "run: a process killed by SIGKILL gives exit status 137" 137 "$RC"
rm_ctr "$ID-sig"

# --- pid 1, uid 0, hostname ---
args "$b" $P pid
r run --bundle "$b" "$ID-pid"
check_eq "inside: pid is 1" 1 "$(field pid "$OUT")"
check_eq "inside: ppid is 0" 0 "$(field ppid "$OUT")"
rm_ctr "$ID-pid"

args "$b" $P ids
r run --bundle "$b" "$ID-ids"
check_eq "run probe ids: exit 0" 0 "$RC"
for f in uid gid euid egid; do
        check_eq "inside: $f is 0" 0 "$(field $f "$OUT")"
done
rm_ctr "$ID-ids"

cfg "$b" '.hostname = "ocirt-test-host"'
args "$b" $P hostname
r run --bundle "$b" "$ID-host"
check_eq "inside: the hostname is the configured one" "ocirt-test-host" "$(sed 's/^hostname=//' <<<"$OUT")"
rm_ctr "$ID-host"

# --- --detach and --pid-file ---
args "$b" $P sleep 30
t0=$(date +%s%N)
rf "$b/detach.out" run --detach --pid-file "$b/pidfile" --bundle "$b" "$ID-det"
t1=$(date +%s%N)
check_eq "run --detach: exit status 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
el=$(((t1 - t0) / 1000000))
if [ "$el" -lt 5000 ]; then ok "run --detach returns at once (${el} ms)"; else fail "run --detach returns at once" "took ${el} ms"; fi
check_eq "run --detach: the container is running" running "$(status_of "$ID-det")"
pid=$(cat "$b/pidfile" 2>/dev/null)
if [[ "$pid" =~ ^[0-9]+$ ]]; then ok "--pid-file: holds a pid"; else fail "--pid-file: holds a pid" "content: '$pid'"; fi
check_eq "--pid-file: the pid of the init, as 'state' reports it" "$pid" \
        "$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$ID-det" 2>/dev/null | jq -r .pid)"
if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "probe sleep 30"; then
        ok "--pid-file: that process runs the container's args"
else
        fail "--pid-file: that process runs the container's args" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>&1)"
fi
r kill "$ID-det" KILL
check_eq "run --detach: kill works" 0 "$RC"
if wait_status "$ID-det" stopped; then ok "run --detach: stopped after kill"; else fail "run --detach: stopped after kill" "$(status_of "$ID-det")"; fi
r delete "$ID-det"
check_eq "run --detach: delete works" 0 "$RC"
check "run --detach: delete leaves no state dir" test ! -e "$STATE_ROOT/$ID-det"
rm_ctr "$ID-det"

# A --detach'ed container that exits by itself goes away like a foreground one ... unless --keep.
# --- --keep ---
args "$b" $P echo kept
r run --keep --bundle "$b" "$ID-keep"
check_eq "run --keep: exit status 0" 0 "$RC"
check_eq "run --keep: output" kept "$OUT"
check_eq "run --keep: the state remains, stopped" stopped "$(status_of "$ID-keep")"
r list -q
check_contains "run --keep: listed" "$ID-keep" "$OUT"
r delete "$ID-keep"
check_eq "run --keep: delete works" 0 "$RC"
check_eq "run --keep: gone after delete" none "$(status_of "$ID-keep")"
check "run --keep: no state dir after delete" test ! -e "$STATE_ROOT/$ID-keep"
rm_ctr "$ID-keep"

# Same id twice in a row: the first run left nothing that blocks the second.
args "$b" $P exit 0
r run --bundle "$b" "$ID-again"
r run --bundle "$b" "$ID-again"
check_eq "run: the same id can run again after it finished" 0 "$RC"
rm_ctr "$ID-again"

# --- --config FILE: an alternate config path ---
b2=$(new_bundle)
args "$b2" $P echo from alternate config
mv "$b2/config.json" "$b2/alt.json"
r run --bundle "$b2" --config "$b2/alt.json" "$ID-cfg"
check_eq "run --config FILE: exit status 0" 0 "$RC"
check_eq "run --config FILE: that config is used" "from alternate config" "$OUT"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
rm_ctr "$ID-cfg"

# --- relative --bundle, and the current directory as the bundle ---
args "$b" $P echo relative bundle
RC=0
OUT=$(cd "$(dirname "$b")" && timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" run --keep --bundle "./$(basename "$b")" "$ID-rel" 2>"$b/rel.err" </dev/null) || RC=$?
check_eq "run --bundle RELATIVE: exit status 0" 0 "$RC"
check_eq "run --bundle RELATIVE: output" "relative bundle" "$OUT"
[ "$RC" -eq 0 ] || diag "stderr: $(cat "$b/rel.err")"
check_eq "run --bundle RELATIVE: state.bundle is the absolute path" "$(readlink -f "$b")" \
        "$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$ID-rel" 2>/dev/null | jq -r .bundle)"
rm_ctr "$ID-rel"

args "$b" $P echo cwd bundle
RC=0
OUT=$(cd "$b" && timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" run "$ID-cwd" 2>"$b/cwd.err" </dev/null) || RC=$?
check_eq "run without --bundle: the current directory is the bundle" "cwd bundle" "$OUT"
[ "$RC" -eq 0 ] || diag "exit $RC, stderr: $(cat "$b/cwd.err")"
rm_ctr "$ID-cwd"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
