#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 530-pasta.sh: --network pasta (package passt) and its annotation: the container gets the host's
# addresses and routes in its own network namespace; -p publishes TCP and UDP ports, IPv4 and IPv6;
# the host's loopback is reachable through the gateway only with --allow-host-loopback; DNS through
# pasta's forwarder; a host port taken by another container is a clear error; pasta goes with the
# container (delete, a SIGKILLed runtime, the init's death) and a failure leaves nothing behind.
# All traffic stays on the host's loopback and in the container's own network namespace.
#
# Debian 12's pasta (passt 0.0~git20230309) refuses to run as root (it drops to 'nobody', who
# cannot join the container's namespaces): the root pass checks that the error says so and names
# slirp4netns, and runs the DNS case as the test user in a private mount namespace.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude-helpers.sh"

need jq "jq edits the configs"
need python3 "python3 runs the test servers on the host's loopback"
command -v pasta >/dev/null || skip_all "pasta is not installed (package passt; tests/setup-host installs it)"
[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip_all "/dev/net/tun is not usable (tests/setup-host makes it 0666)"
ID=it530-$$
port=$((20000 + $$ % 20000 + (OCIRT_AS == "root" ? 0 : 1) * 11))
hport=$((port + 1)) pport=$((port + 2)) uport=$((port + 3)) p6=$((port + 4))
PASTA='pasta|passt|passt\.avx2'

b=$(new_bundle)
cfg "$b" '.linux.namespaces |= map(select(.type != "network"))'

if is_root; then
        # --- as root: a clear error, nothing left ---
        args "$b" true
        before=$(helper_procs "$PASTA")
        r run --bundle "$b" --network pasta "$ID-root"
        if [ "$RC" = 0 ]; then
                ok "root: this pasta runs as root (a newer passt): nothing to explain"
        else
                check_contains "root: the error says why" "as root this pasta may refuse" "$ERR"
                check_contains "root: the error names slirp4netns" "--network slirp4netns" "$ERR"
        fi
        check_eq "root: no state left" "" "$(state_left)"
        check_eq "root: no pasta left" "$before" "$(helper_procs "$PASTA")"

        # --- DNS: the test user's container, in a private mount namespace whose /etc/resolv.conf
        # names a resolver on 127.0.0.1 that this test runs (nothing leaves the host) ---
        if id -u "$OCIRT_TEST_USER" >/dev/null 2>&1 && command -v unshare >/dev/null; then
                dns=$(mktemp -d "$TMPDIR/dns.XXXXXX")
                chmod 0755 "$dns"
                echo "nameserver 127.0.0.1" >"$dns/resolv.conf"
                python3 "$OCIRT_TESTS/lib/tiny-dns.py" 127.0.0.1 53 10.1.2.3 >"$dns/server.log" 2>&1 &
                dnspid=$!
                wait_until 5 grep -q ready "$dns/server.log" || diag "the DNS server did not start: $(cat "$dns/server.log")"
                ub=$(mktemp -d "$TMPDIR/ubundle.XXXXXX")
                cp -a "$b/." "$ub/"
                chown -R "$OCIRT_TEST_USER" "$ub"
                chmod 0755 "$ub"
                cfg "$ub" '.process.args = ["nslookup", "probe.ocirt.test", "169.254.1.1"]'
                uroot=$(mktemp -d "$TMPDIR/ustate.XXXXXX")
                chown "$OCIRT_TEST_USER" "$uroot"
                uid=$(id -u "$OCIRT_TEST_USER")
                out=$(timeout -k 2 20 unshare -m sh -c '
                        mount --make-rprivate / && mount --bind "$1/resolv.conf" /etc/resolv.conf &&
                        exec su -s /bin/sh "$2" -c "XDG_RUNTIME_DIR=/run/user/$3 $4 --root $5 spec --rootless >/dev/null 2>&1; \
                                $4 --root $5 run --bundle $6 --network pasta $7"' \
                        _ "$dns" "$OCIRT_TEST_USER" "$uid" "$OCIRT_BIN" "$uroot" "$ub" "$ID-dns" 2>&1)
                check_contains "DNS: a query to 169.254.1.1 inside is answered by the host's resolver" "10.1.2.3" "$out"
                kill "$dnspid" 2>/dev/null
                wait "$dnspid" 2>/dev/null
                check_eq "DNS: no pasta left" "$before" "$(helper_procs "$PASTA")"
        else
                skip "DNS through pasta's forwarder" "no test user or no unshare"
        fi
        done_testing
fi

# A server on the host's 127.0.0.1 only.
host_server "$hport"
server=$SERVER_PID

# The host's default-route interface and its IPv4 address: what pasta copies into the container.
hostaddr=$(ip -o -4 route get 192.0.2.123 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
# nc to the gateway, bounded to 3 s in all: Debian 12's pasta sometimes does not pass on the host's
# close of a connection made through the gateway mapping, and busybox's nc -w bounds only the connect.
NC_GW="gw=\$(ip route | awk '/^default/ {print \$3; exit}'); echo gw=\$gw; nc -w 3 \$gw $hport </dev/null & p=\$!;
        i=0; while kill -0 \$p 2>/dev/null && [ \$i -lt 30 ]; do sleep 0.1; i=\$((i+1)); done; kill \$p 2>/dev/null; echo nc=done"
args "$b" sh -c "ip -o -4 addr show | awk '{print \$2, \$4}'; $NC_GW"
before=$(helper_procs "$PASTA")

# --- the host's addresses inside; the host's loopback closed by default ---
r run --bundle "$b" --network pasta "$ID-closed"
check_eq "pasta: run exit status 0" 0 "$RC" || diag "$ERR"
if [ -n "$hostaddr" ]; then
        check_contains "pasta: the container has the host's address $hostaddr" " $hostaddr/" "$OUT"
fi
check_contains "pasta: lo is up" "lo 127.0.0.1/8" "$OUT"
check_contains "pasta: a default route" "gw=" "$OUT"
if grep -q host-server <<<"$OUT"; then
        fail "pasta: the host's loopback is not reachable by default" "$OUT"
else
        ok "pasta: the host's loopback is not reachable by default"
fi
check_eq "pasta: gone after the container" "$before" "$(helper_procs "$PASTA")"
check_eq "pasta: no state left after run" "" "$(state_left)"

# --- ... and open with --allow-host-loopback (pasta's gateway mapping) ---
r run --bundle "$b" --network pasta --allow-host-loopback "$ID-open"
check_eq "allow-host-loopback: run exit status 0" 0 "$RC" || diag "$ERR"
check_contains "allow-host-loopback: the host's 127.0.0.1 server answers at the gateway" "host-server" "$OUT"
check_eq "allow-host-loopback: pasta gone after the container" "$before" "$(helper_procs "$PASTA")"

# --- published ports: TCP on IPv4 and IPv6, UDP ---
b2=$(new_bundle)
cfg "$b2" '.linux.namespaces |= map(select(.type != "network"))'
args "$b2" sh -c '/usr/bin/probe udp-recv 9090 & while :; do echo inside-server | nc -l -p 8080; done'
po=$(mktemp)
RC=0
timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b2" --detach --network pasta \
        -p "127.0.0.1:$pport:8080/tcp" -p "[::1]:$p6:8080" -p "127.0.0.1:$uport:9090/udp" "$ID-pub" \
        >"$po" 2>"$po.err" </dev/null || RC=$?
check_eq "publish: run --detach exit status 0" 0 "$RC" || diag "$(cat "$po.err")"
ppid_=$(jq -r '.ocirt["pasta.pid"] // ""' "$STATE_ROOT/$ID-pub/state.json" 2>/dev/null)
ppid_=${ppid_%%:*}
if [ -n "$ppid_" ] && tr '\0' ' ' <"/proc/$ppid_/cmdline" 2>/dev/null | grep -q "^pasta "; then
        ok "publish: state.json records the running pasta"
else
        fail "publish: state.json records the running pasta" "recorded: '$ppid_'"
fi
check_eq "publish: state.json records the DNS forwarder" "169.254.1.1" \
        "$(jq -r '.ocirt["pasta.dns"] // ""' "$STATE_ROOT/$ID-pub/state.json" 2>/dev/null)"
fetch() { # ADDR PORT
        local got="" i
        for i in $(seq 30); do
                got=$(timeout 3 python3 -c 'import socket,sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)
print(s.recv(100).decode().strip())' "$1" "$2" 2>/dev/null)
                [ -n "$got" ] && break
                sleep 0.2
        done
        echo "$got"
}
check_eq "publish: 127.0.0.1:$pport reaches the TCP server in the container" inside-server "$(fetch 127.0.0.1 "$pport")"
check_eq "publish: [::1]:$p6 reaches it over IPv6" inside-server "$(fetch ::1 "$p6")"
python3 -c 'import socket,sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5): s.sendto(b"udp-hello\n", ("127.0.0.1", int(sys.argv[1])))' "$uport"
wait_until 5 grep -q udp= "$po"
got=$(cat "$po")
check_contains "publish: 127.0.0.1:$uport/udp reaches the UDP server in the container" "udp-hello" "$got"

# --- a second container on the same host port: a clear error, nothing left ---
r run --bundle "$b" --network pasta -p "127.0.0.1:$pport:80" "$ID-twice"
failed "same host port twice"
check_contains "same host port twice: names the port" "publish: host port $pport/tcp is already in use" "$ERR"
check_eq "same host port twice: no state left for it" "" "$(ls "$STATE_ROOT" | grep -x "$ID-twice")"
check_eq "same host port twice: the first still answers" inside-server "$(fetch 127.0.0.1 "$pport")"

r delete --force "$ID-pub"
check_eq "publish: delete exit status 0" 0 "$RC" || diag "$ERR"
wait_until 5 test "$(helper_procs "$PASTA")" = "$before"
check_eq "publish: delete stops pasta" "$before" "$(helper_procs "$PASTA")"
if [ -n "$ppid_" ] && [ -e "/proc/$ppid_" ]; then
        fail "publish: the recorded pasta is gone after delete" "$(ps -o pid,ppid,stat,args -p "$ppid_")"
else
        ok "publish: the recorded pasta is gone after delete"
fi

# --- the runtime SIGKILLed during `run`: pasta goes when the container's init does ---
args "$b" sleep 60
"$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" --network pasta "$ID-killed" >/dev/null 2>&1 </dev/null &
rt=$!
started() {
        ipid=$(jq -r '.pid // empty' "$STATE_ROOT/$ID-killed/state.json" 2>/dev/null)
        [ -n "$ipid" ] && [ -n "$(helper_procs "$PASTA")" ]
}
wait_until 10 started || diag "the container did not start: $(cat "$STATE_ROOT/$ID-killed/state.json" 2>&1)"
started
kill -KILL "$rt"
wait "$rt" 2>/dev/null
[ -n "$ipid" ] && kill -KILL "$ipid" 2>/dev/null
wait_until 10 test "$(helper_procs "$PASTA")" = "$before"
check_eq "runtime and init SIGKILLed: pasta goes with the init" "$before" "$(helper_procs "$PASTA")"
r delete --force "$ID-killed"
check_eq "runtime SIGKILLed: delete cleans the rest" "" "$(state_left)"

# --- the annotation does the same for create ---
args "$b" sh -c "$NC_GW"
cfg "$b" '.annotations["org.ocirt.network"] = "pasta" | .annotations["org.ocirt.network.allow-host-loopback"] = "true"'
out=$(mktemp "$TMPDIR/create.XXXXXX")
RC=0
timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" create --bundle "$b" "$ID-ann" >"$out" 2>"$out.err" </dev/null || RC=$?
check_eq "annotation: create exit status 0" 0 "$RC" || diag "$(cat "$out.err")"
r start "$ID-ann"
check_eq "annotation: start exit status 0" 0 "$RC" || diag "$ERR"
wait_until 10 grep -q nc= "$out"
check_contains "annotation: allow-host-loopback through the annotation" "host-server" "$(cat "$out")"
r delete --force "$ID-ann"
check_eq "annotation: delete exit status 0" 0 "$RC" || diag "$ERR"
check_eq "annotation: pasta gone after delete" "$before" "$(helper_procs "$PASTA")"
cfg "$b" 'del(.annotations)'

# --- pasta missing from PATH ---
nopath=$(mktemp -d "$TMPDIR/nopath.XXXXXX")
pathwithout "$nopath" pasta
rpath "$nopath" run --bundle "$b" --network pasta "$ID-nopath"
failed "pasta not in PATH"
check_contains "pasta not in PATH: names the package" "install the package 'passt'" "$ERR"
check_eq "pasta not in PATH: no state left" "" "$(state_left)"

# --- pasta fails: command line, its own words, nothing left ---
fake=$(mktemp -d "$TMPDIR/fake.XXXXXX")
pathwithout "$fake" pasta
fakebin "$fake" pasta 'echo "No routable interface for IPv4 (fake)" >&2; exit 1'
rpath "$fake" run --bundle "$b" --network pasta "$ID-fail"
failed "failing pasta"
check_contains "failing pasta: the error shows its command line" "pasta --config-net --quiet --pid pasta.pid -t none -u none -T none -U none --no-map-gw" "$ERR"
check_contains "failing pasta: the error keeps its words" "No routable interface for IPv4 (fake)" "$ERR"
check_eq "failing pasta: no state left" "" "$(state_left)"
check_eq "failing pasta: no pasta left" "$before" "$(helper_procs "$PASTA")"

kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
rm_ctr "$ID-closed" "$ID-open" "$ID-pub" "$ID-twice" "$ID-killed" "$ID-ann" "$ID-nopath" "$ID-fail"
done_testing
