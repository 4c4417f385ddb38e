#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/net-throughput.sh: what a container's network costs once it is up, in one run, root and
# rootless, for `ocirt run --network slirp4netns`, `--network pasta` and the host's own loopback
# (the floor):
#   throughput   iperf3 for --seconds each way through a port published on the host's 127.0.0.1:
#                host -> container, and container -> host (iperf3 -R, the same connection setup);
#   connections  1,000 short TCP connections (connect, read one byte, close) from the host to a
#                server in the container through the published port: mean and median per connection.
# The container (busybox) runs `sleep`; the host's iperf3 and python3 servers run in its network
# namespace through nsenter(1) (rootless: also --user, as the test user). See bench/README.md.
#
# Usage: sudo bench/net-throughput.sh [--seconds N] [--conns N] [--users root,rootless]
#                                     [--user NAME] [--no-install] [--keep]
# Environment: OCIRT_BIN  the ocirt binary (default: ./ocirt at the top of the tree)
set -euo pipefail

PROG=${0##*/}
SELF=$(readlink -f "$0")
BENCH_DIR=$(dirname "$SELF")
TOP=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

IPERF_PORT=5201 # the servers' ports inside the container
CONN_PORT=5300
NETS=(loopback slirp4netns pasta)

# The connection server: accept, send one byte, close; "ready" once it listens.
CONN_SERVER='
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(128); print("ready", flush=True)
while True:
    c, _ = s.accept(); c.sendall(b"x"); c.close()'
# The client: N connections one after another, one line per connection with its time in ms;
# exits 1 when a connection got no byte (a forwarder that accepted for a server not listening).
CONN_CLIENT='
import socket, sys, time
bad = 0
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    b = c.recv(1); c.close(); d = time.perf_counter() - t
    if b != b"x": bad += 1
    print("%.4f" % (d * 1000))
sys.exit(1 if bad else 0)'

# ---------------------------------------------------------------------------
# Inner mode, as root or (after su) as the test user: one row per network in OUT/MODE-NET.*
# Arguments: MODE WORK OUT SECONDS CONNS HOSTPORT OCIRT
# ---------------------------------------------------------------------------
PIDS=()
CTRS=()
inner_cleanup() {
        local p c
        for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
        for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
        for c in "${CTRS[@]}"; do "$OCIRT" --root "$STATE" delete --force "$c" >/dev/null 2>&1 || true; done
        PIDS=() CTRS=()
}

# Wait up to 10 s for PATTERN in FILE (a server's "listening" line).
wait_log() { local i; for ((i = 0; i < 1000; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done; return 1; }

# One row: servers started with PREFIX (nsenter into the container, or nothing for the floor) on
# their ports SIPERF and SCONN; the clients on the host use 127.0.0.1:CIPERF and CCONN. Writes
# OUT/MODE-NAME.row, or .na with what failed (and returns 1).
measure() { # NAME SIPERF SCONN CIPERF CCONN PREFIX...
        local name=$1 siperf=$2 sconn=$3 ciperf=$4 cconn=$5 f=$OUT/$MODE-$1 dir
        local -a rev
        shift 5
        "$@" iperf3 -s --forceflush -p "$siperf" >"$f.iperf-server.log" 2>&1 &
        PIDS+=($!)
        "$@" python3 -u -c "$CONN_SERVER" 0.0.0.0 "$sconn" >"$f.conn-server.log" 2>&1 &
        PIDS+=($!)
        wait_log "$f.iperf-server.log" "listening" || { fail_row "$f" "the iperf3 server did not start: $(tail -n 1 "$f.iperf-server.log")"; return 1; }
        wait_log "$f.conn-server.log" ready || { fail_row "$f" "the connection server did not start: $(tail -n 1 "$f.conn-server.log")"; return 1; }
        for dir in up down; do
                say "$MODE $name: iperf3 $([ $dir = up ] && echo 'host -> container' || echo 'container -> host (-R)'), $SECONDS_ s"
                # -R: the server sends, so the data flows from the container to the host.
                rev=()
                [ $dir = up ] || rev=(-R)
                timeout -k 5 $((SECONDS_ + 30)) iperf3 -c 127.0.0.1 -p "$ciperf" -t "$SECONDS_" -J "${rev[@]}" >"$f.$dir.json" 2>"$f.$dir.err" ||
                        { fail_row "$f" "iperf3 ($dir): $(jq -r '.error // empty' "$f.$dir.json" 2>/dev/null) $(tail -n 1 "$f.$dir.err")"; return 1; }
        done
        say "$MODE $name: $CONNS connections"
        python3 -c "$CONN_CLIENT" "$cconn" "$CONNS" >"$f.conn.txt" 2>"$f.conn.err" ||
                { fail_row "$f" "connection loop: $(tail -n 1 "$f.conn.err")"; return 1; }
        printf '%.2f\t%.2f\t%s\t%s\n' "$(jq '.end.sum_received.bits_per_second / 1e9' "$f.up.json")" \
                "$(jq '.end.sum_received.bits_per_second / 1e9' "$f.down.json")" \
                "$(mean %.3f <"$f.conn.txt")" "$(median %.3f <"$f.conn.txt")" >"$f.row"
}
fail_row() { echo "failed: $2" >"$1.na"; say "${1##*/}: failed: $2"; }

inner() {
        MODE=$1 WORK=$2 OUT=$3 SECONDS_=$4 CONNS=$5 OCIRT=$7
        STATE=$WORK/state-$MODE
        local port=$6 net id pid
        local -a pre=()
        trap inner_cleanup EXIT
        trap 'exit 130' INT TERM
        mkdir -p "$STATE" # made by the outer script for the test user
        for net in "${NETS[@]}"; do
                port=$((port + 2))
                if [ "$net" = loopback ]; then
                        measure "$net" "$port" $((port + 1)) "$port" $((port + 1)) || true
                        inner_cleanup
                        continue
                fi
                id=netput-$MODE-$net-$$
                if ! "$OCIRT" --root "$STATE" run --detach --network "$net" -p "127.0.0.1:$port:$IPERF_PORT" \
                        -p "127.0.0.1:$((port + 1)):$CONN_PORT" --bundle "$WORK/bundle-$MODE" "$id" \
                        >"$OUT/$MODE-$net.run.log" 2>&1 </dev/null; then
                        "$OCIRT" --root "$STATE" delete --force "$id" >/dev/null 2>&1 || true
                        if [ "$net" = pasta ] && [ "$(id -u)" = 0 ] && grep -q "as root this pasta may refuse" "$OUT/$MODE-$net.run.log"; then
                                echo "n/a: this pasta refuses root" >"$OUT/$MODE-$net.na"
                        else
                                echo "failed: run: $(head -n 1 "$OUT/$MODE-$net.run.log")" >"$OUT/$MODE-$net.na"
                        fi
                        say "$MODE $net: $(cat "$OUT/$MODE-$net.na")"
                        continue
                fi
                CTRS+=("$id")
                pid=$("$OCIRT" --root "$STATE" state "$id" | jq -r .pid)
                # Rootless, the network namespace belongs to the container's user namespace: joining
                # it needs that namespace's capabilities, so enter it too, keeping our own ids.
                pre=(nsenter --target "$pid" --net)
                [ "$MODE" = root ] || pre+=(--user --preserve-credentials)
                measure "$net" "$IPERF_PORT" "$CONN_PORT" "$port" $((port + 1)) "${pre[@]}" || true
                inner_cleanup
        done
}

if [ "${1:-}" = "--inner" ]; then
        shift
        inner "$@"
        exit 0
fi

# ---------------------------------------------------------------------------
# Outer mode, as root: check and install, build the bundles, run both users, print the table.
# ---------------------------------------------------------------------------
SECS=10 CONNS=1000 USERS=root,rootless TEST_USER=ocirt-test INSTALL=1 KEEP=0
while [ $# -gt 0 ]; do
        case $1 in
        --seconds) SECS=${2:-}; shift 2 ;;
        --conns) CONNS=${2:-}; shift 2 ;;
        --users) USERS=${2:-}; shift 2 ;;
        --user) TEST_USER=${2:-}; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) sed -n '/^# Usage:/,/^# Environment:/p' "$SELF" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
        esac
done
[[ $SECS =~ ^[1-9][0-9]*$ ]] || die "--seconds: expected a positive number of seconds, got '$SECS'"
[[ $CONNS =~ ^[1-9][0-9]*$ ]] || die "--conns: expected a positive number, got '$CONNS'"
[[ $USERS =~ ^(root|rootless)(,(root|rootless))?$ ]] || die "--users: expected root, rootless or both (root,rootless), got '$USERS'"
[ "$(id -u)" -eq 0 ] || die "run me as root (sudo $0): I switch to the test user myself"
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
if ! command -v iperf3 >/dev/null; then
        [ "$INSTALL" = 1 ] || die "iperf3 is missing: apt-get install iperf3 (or drop --no-install)"
        say "installing iperf3"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >/dev/null || die "apt-get install iperf3 failed"
fi
for t in slirp4netns:slirp4netns pasta:passt nsenter:util-linux python3:python3 jq:jq; do
        command -v "${t%%:*}" >/dev/null || die "${t%%:*} is missing: apt-get install ${t#*:}"
done
OCIRT_BIN=$(readlink -f "${OCIRT_BIN:-$TOP/ocirt}")
[ -x "$OCIRT_BIN" ] || die "no ocirt binary at $OCIRT_BIN (build it, or set OCIRT_BIN)"
if [[ $USERS == *rootless* ]]; then
        TEST_UID=$(id -u "$TEST_USER") || die "no user $TEST_USER (tests/setup-host creates it, or pass --user NAME)"
        install -d -m 0700 -o "$TEST_USER" "/run/user/$TEST_UID"
fi

WORK=$(mktemp -d /var/tmp/ocirt-bench-netput.XXXXXX)
chmod 0755 "$WORK"
cleanup() { if [ "$KEEP" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
sh "$TOP/tests/lib/mkrootfs.sh" "$WORK/rootfs" >/dev/null || die "tests/lib/mkrootfs.sh failed"
cp "$SELF" "$WORK/net-throughput.sh"
cp "$BENCH_DIR/lib.sh" "$WORK/lib.sh"
install -d -m 0755 -o "${TEST_USER}" "$WORK/out"
STAMP=$(date -u +%Y%m%d-%H%M%S)
# Host ports: a random base per run, so that a port left in TIME_WAIT by the last run is not reused.
base=$((20000 + RANDOM % 20000))
IFS=, read -r -a modes <<<"$USERS"
for mode in "${modes[@]}"; do
        b=$WORK/bundle-$mode
        install -d -m 0755 "$b"
        if [ "$mode" = root ]; then
                (cd "$b" && "$OCIRT_BIN" spec) || die "ocirt spec failed"
        else
                chown "$TEST_USER" "$b"
                install -d -m 0755 -o "$TEST_USER" "$WORK/state-$mode"
                su -s /bin/sh "$TEST_USER" -c "cd '$b' && '$OCIRT_BIN' spec --rootless" || die "ocirt spec --rootless failed as $TEST_USER"
        fi
        # ocirt makes the network namespace itself for --network, so the config must not ask for one.
        jq --arg r "$WORK/rootfs" '.root.path = $r | .process.terminal = false | .process.args = ["sleep", "1000000"]
                | .linux.namespaces |= map(select(.type != "network"))' "$b/config.json" >"$WORK/c.json"
        install -m 0644 "$WORK/c.json" "$b/config.json"
        cp "$b/config.json" "$WORK/out/config-$mode.json"
        port=$base
        [ "$mode" = root ] || port=$((base + 100))
        say "$mode: measuring ${NETS[*]}"
        if [ "$mode" = root ]; then
                bash "$WORK/net-throughput.sh" --inner root "$WORK" "$WORK/out" "$SECS" "$CONNS" "$port" "$OCIRT_BIN" ||
                        say "root: the benchmark failed"
        else
                q=$(printf ' %q' "$WORK/net-throughput.sh" --inner rootless "$WORK" "$WORK/out" "$SECS" "$CONNS" "$port" "$OCIRT_BIN")
                su -s /bin/bash "$TEST_USER" -c "export XDG_RUNTIME_DIR=/run/user/$TEST_UID PATH=$PATH; cd /; exec bash$q" ||
                        say "rootless: the benchmark failed"
        fi
done
RESULTS="$BENCH_DIR/results/netput-$STAMP"
mkdir -p "$RESULTS"
cp -r "$WORK/out/." "$RESULTS/"

# --- the table --------------------------------------------------------------
col() { if [ -f "$RESULTS/$1-$2.row" ]; then cut -f "$3" "$RESULTS/$1-$2.row"; fi; }
met() { [[ $1 == *x ]] && awk -v r="${1%x}" -v t="$2" -v op="$3" 'BEGIN { exit !(op == ">=" ? r >= t : r <= t) }' && echo "met" || echo "NOT met"; }
{
        echo "# Network throughput and connection setup, ocirt ($STAMP UTC)"
        echo
        echo "Host: $(uname -sr), $(nproc) CPUs. $(slirp4netns --version | head -n 1); passt $(dpkg-query -W -f '${Version}' passt 2>/dev/null || echo '?');"
        echo "$(iperf3 --version | head -n 1); $("$OCIRT_BIN" --version | head -n 1)."
        echo "iperf3: one TCP stream, $SECS s each way, through a port published on 127.0.0.1 (the floor: iperf3 on 127.0.0.1 both ends)."
        echo "Connections: $CONNS in a row, each connect + read 1 byte + close, host to container."
        echo
        echo "| user | network | host->container Gbit/s | container->host Gbit/s | connection ms (mean) | connection ms (median) |"
        echo "|---|---|---|---|---|---|"
        for mode in "${modes[@]}"; do
                for net in "${NETS[@]}"; do
                        if [ -f "$RESULTS/$mode-$net.na" ]; then
                                echo "| $mode | $net | $(cat "$RESULTS/$mode-$net.na") | | | |"
                        else
                                echo "| $mode | $net | $(or_na "$(col "$mode" "$net" 1)") | $(or_na "$(col "$mode" "$net" 2)") | $(or_na "$(col "$mode" "$net" 3)") | $(or_na "$(col "$mode" "$net" 4)") |"
                        fi
                done
        done
        echo
        echo "| user | pasta/slirp4netns host->container | pasta/slirp4netns container->host | pasta/loopback connection (median) | throughput >= 3x | connection <= 2x |"
        echo "|---|---|---|---|---|---|"
        for mode in "${modes[@]}"; do
                up=$(ratio "$(col "$mode" pasta 1)" "$(col "$mode" slirp4netns 1)")
                down=$(ratio "$(col "$mode" pasta 2)" "$(col "$mode" slirp4netns 2)")
                conn=$(ratio "$(col "$mode" pasta 4)" "$(col "$mode" loopback 4)")
                tput=$(met "$up" 3 ">=")
                [ "$tput" = "NOT met" ] || tput=$(met "$down" 3 ">=")
                if [ -f "$RESULTS/$mode-pasta.na" ]; then tput=n/a; fi
                cmet=$(met "$conn" 2 "<=")
                [ "$conn" != n/a ] || cmet=n/a
                echo "| $mode | $up | $down | $conn | $tput | $cmet |"
        done
        echo
        echo "Targets (issue 18): pasta >= 3x slirp4netns's throughput both ways; pasta's connection time <= 2x the loopback floor's."
} | tee "$RESULTS/summary.md"
say "results in $RESULTS"
