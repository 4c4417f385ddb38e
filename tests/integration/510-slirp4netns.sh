#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 510-slirp4netns.sh: --network slirp4netns|none, -p/--publish, --allow-host-loopback and the
# org.ocirt.network annotation for create. All traffic stays on the host's loopback and in the
# container's own network namespace. slirp4netns goes with the container; a failing or missing
# slirp4netns leaves nothing behind.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude-helpers.sh"

need jq "jq edits the configs"
need python3 "python3 runs the test server on the host's loopback"
command -v slirp4netns >/dev/null || skip_all "slirp4netns is not installed (tests/setup-host installs it)"
[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip_all "/dev/net/tun is not usable (tests/setup-host makes it 0666)"
ID=it510-$$
port=$((20000 + $$ % 20000 + (OCIRT_AS == "root" ? 0 : 1) * 7))
hport=$((port + 1))
pport=$((port + 2))

# A server on the host's 127.0.0.1 only.
host_server "$hport"
server=$SERVER_PID

b=$(new_bundle)
cfg "$b" '.linux.namespaces |= map(select(.type != "network"))'
args "$b" sh -c "ip -o -4 addr show | awk '{print \$2, \$4}'; nc -w 3 10.0.2.2 $hport </dev/null; echo nc=\$?"
before=$(helper_procs slirp4netns)

# --- host loopback is closed by default ---
r run --bundle "$b" --network slirp4netns "$ID-closed"
check_eq "slirp4netns: run exit status 0" 0 "$RC" || diag "$ERR"
check_contains "slirp4netns: the container has tap0 10.0.2.100" "tap0 10.0.2.100/24" "$OUT"
check_contains "slirp4netns: lo is up" "lo 127.0.0.1/8" "$OUT"
if grep -q host-server <<<"$OUT"; then
        fail "slirp4netns: the host's loopback is not reachable by default" "$OUT"
else
        ok "slirp4netns: the host's loopback is not reachable by default"
fi
check_eq "slirp4netns: gone after the container" "$before" "$(helper_procs slirp4netns)"
check_eq "slirp4netns: no state left after run" "" "$(state_left)"

# --- ... and open with --allow-host-loopback ---
r run --bundle "$b" --network slirp4netns --allow-host-loopback "$ID-open"
check_eq "allow-host-loopback: run exit status 0" 0 "$RC" || diag "$ERR"
check_contains "allow-host-loopback: the host's 127.0.0.1 server answers at 10.0.2.2" "host-server" "$OUT"
check_eq "allow-host-loopback: slirp4netns gone after the container" "$before" "$(helper_procs slirp4netns)"

# --- a published port reaches a server inside ---
b2=$(new_bundle)
cfg "$b2" '.linux.namespaces |= map(select(.type != "network"))'
args "$b2" sh -c 'echo inside-server | nc -l -p 8080'
# The detached container keeps ocirt's stdout: a file, not a pipe that $(...) would wait on.
RC=0
po=$(mktemp)
timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b2" --detach --network slirp4netns \
        -p "127.0.0.1:$pport:8080/tcp" "$ID-pub" >"$po" 2>"$po.err" </dev/null || RC=$?
check_eq "publish: run --detach exit status 0" 0 "$RC" || diag "$(cat "$po.err")"
spid=$(jq -r '.ocirt["slirp4netns.pid"] // ""' "$STATE_ROOT/$ID-pub/state.json" 2>/dev/null)
spid=${spid%%:*}
if [ -n "$spid" ] && grep -qx slirp4netns "/proc/$spid/comm" 2>/dev/null; then
        ok "publish: state.json records the running slirp4netns"
else
        fail "publish: state.json records the running slirp4netns" "recorded: '$spid'"
fi
got=""
for i in $(seq 30); do
        got=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && cat <&3' _ "$pport" 2>/dev/null)
        [ -n "$got" ] && break
        sleep 0.2
done
check_eq "publish: 127.0.0.1:$pport reaches the server in the container" inside-server "$got"
r delete --force "$ID-pub"
check_eq "publish: delete exit status 0" 0 "$RC" || diag "$ERR"
wait_until 5 test "$(helper_procs slirp4netns)" = "$before"
check_eq "publish: delete stops slirp4netns" "$before" "$(helper_procs slirp4netns)"
if [ -n "$spid" ] && [ -e "/proc/$spid" ] && grep -qx slirp4netns "/proc/$spid/comm" 2>/dev/null; then
        fail "publish: the recorded slirp4netns is gone after delete" "$(ps -o pid,ppid,stat,args -p "$spid")"
else
        ok "publish: the recorded slirp4netns is gone after delete"
fi
r run --bundle "$b2" --network host -p "$pport:8080" "$ID-badpub"
failed "publish without slirp4netns"
check_contains "publish without slirp4netns: says what is needed" "--network slirp4netns" "$ERR"

# --- --network none: only lo, up ---
b3=$(new_bundle)
args "$b3" sh -c "ip -o -4 addr show | awk '{print \$2, \$4}'"
r run --bundle "$b3" --network none "$ID-none"
check_eq "network none: exit status 0" 0 "$RC" || diag "$ERR"
check_eq "network none: only lo, up" "lo 127.0.0.1/8" "$OUT"

# --- the annotation does the same for create ---
cfg "$b" '.annotations["org.ocirt.network"] = "slirp4netns" | .annotations["org.ocirt.network.allow-host-loopback"] = "true"'
out=$(mktemp "$TMPDIR/create.XXXXXX")
RC=0
timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" create --bundle "$b" "$ID-ann" >"$out" 2>"$out.err" </dev/null || RC=$?
check_eq "annotation: create exit status 0" 0 "$RC" || diag "$(cat "$out.err")"
r start "$ID-ann"
check_eq "annotation: start exit status 0" 0 "$RC" || diag "$ERR"
wait_until 10 grep -q nc= "$out"
check_contains "annotation: the container has tap0" "tap0 10.0.2.100/24" "$(cat "$out")"
check_contains "annotation: allow-host-loopback through the annotation" "host-server" "$(cat "$out")"
r delete --force "$ID-ann"
check_eq "annotation: delete exit status 0" 0 "$RC" || diag "$ERR"
check_eq "annotation: slirp4netns gone after delete" "$before" "$(helper_procs slirp4netns)"
cfg "$b" 'del(.annotations)'

# --- slirp4netns missing from PATH ---
nopath=$(mktemp -d "$TMPDIR/nopath.XXXXXX")
pathwithout "$nopath" slirp4netns
rpath "$nopath" run --bundle "$b" --network slirp4netns "$ID-nopath"
failed "slirp4netns not in PATH"
check_contains "slirp4netns not in PATH: names the package" "install the package 'slirp4netns'" "$ERR"
check_eq "slirp4netns not in PATH: no state left" "" "$(state_left)"

# --- slirp4netns fails: command line, its stderr, the fix; nothing left ---
fake=$(mktemp -d "$TMPDIR/fake.XXXXXX")
pathwithout "$fake" slirp4netns
fakebin "$fake" slirp4netns 'case "$1" in --version) echo "slirp4netns version 1.2.0"; exit 0;; esac
echo "open(\"/dev/net/tun\"): Permission denied (fake)" >&2; exit 1'
rpath "$fake" run --bundle "$b" --network slirp4netns "$ID-fail"
failed "failing slirp4netns"
check_contains "failing slirp4netns: the error shows its command line" "slirp4netns --configure --mtu=65520 --disable-host-loopback" "$ERR"
check_contains "failing slirp4netns: the error keeps its stderr" 'Permission denied (fake)' "$ERR"
check_contains "failing slirp4netns: the hint names the fix" "/dev/net/tun" "$ERR"
check_eq "failing slirp4netns: no state left" "" "$(state_left)"
check_eq "failing slirp4netns: no slirp4netns left" "$before" "$(helper_procs slirp4netns)"

kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
rm_ctr "$ID-closed" "$ID-open" "$ID-pub" "$ID-badpub" "$ID-none" "$ID-ann" "$ID-nopath" "$ID-fail"
done_testing
