#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/net-bench.sh: time to the first answer through a published port, rootless, with a new
# network namespace and slirp4netns: from the start of the runtime's `run --detach` until a TCP
# connection to 127.0.0.1:PORT on the host gets the container's answer.
#
#   ocirt  `ocirt run -d --network slirp4netns -p 127.0.0.1:PORT:8080`: ocirt starts slirp4netns,
#          adds the port forward and ties the helper to the container;
#   crun, runc  have no network of their own: `run -d`, then slirp4netns --configure on the
#          container's pid and add_hostfwd through its API socket, as podman does for them.
# The container runs `nc -ll -p 8080 -e echo hi` (busybox). Runs interleave the runtimes.
#
# Usage: sudo bench/net-bench.sh [--runs N] [--user NAME]
# Environment: OCIRT_BIN  the ocirt binary (default: ./ocirt at the top of the tree)
set -euo pipefail

PROG=${0##*/}
SELF=$(readlink -f "$0")
BENCH_DIR=$(dirname "$SELF")
TOP=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh" # say, die, median, ratio; copied next to the copy of this script below

# Poll 127.0.0.1:PORT until the answer is "hi" (the forwarder accepts before the guest listens).
wait_answer() { # PORT TIMEOUT_S
        local line deadline=$((SECONDS + $2))
        while [ $SECONDS -lt $deadline ]; do
                if exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null; then
                        line=
                        read -r -t 1 line <&3 || true
                        exec 3<&- 3>&-
                        [ "$line" != hi ] || return 0
                fi
                sleep 0.001
        done
        return 1
}

inner() { # WORK OUT RUNS OCIRT CRUN RUNC
        local work=$1 out=$2 runs=$3 i rt s e pid sp port=$((20000 + RANDOM % 10000)) n=0
        local -A bin=([ocirt]=$4 [crun]=$5 [runc]=$6)
        local st=$out/state
        mkdir -p "$st"
        : >"$out/runs.tsv"
        for ((i = 0; i < runs; i++)); do
                for rt in ocirt crun runc; do
                        n=$((n + 1))
                        local id="net-$rt-$n" p=$((port + n)) rc=0
                        s=$EPOCHREALTIME
                        if [ "$rt" = ocirt ]; then
                                "${bin[$rt]}" --root "$st/$rt" run -d --network slirp4netns -p "127.0.0.1:$p:8080" \
                                        --bundle "$work/bundle" "$id" >"$out/$rt.log" 2>&1 </dev/null || rc=$?
                                sp=
                        else
                                "${bin[$rt]}" --root "$st/$rt" run -d --bundle "$work/bundle-netns" "$id" \
                                        >"$out/$rt.log" 2>&1 </dev/null || rc=$?
                                if [ "$rc" -eq 0 ]; then
                                        pid=$("${bin[$rt]}" --root "$st/$rt" state "$id" | jq -r .pid)
                                        rm -f "$out/api.sock"
                                        slirp4netns --configure --mtu=65520 --disable-host-loopback \
                                                --api-socket "$out/api.sock" "$pid" tap0 >>"$out/$rt.log" 2>&1 &
                                        sp=$!
                                        # The API socket appears once slirp4netns is up.
                                        while [ ! -S "$out/api.sock" ]; do sleep 0.001; done
                                        # perl-base is on every Debian system and starts in a few ms.
                                        perl -MIO::Socket::UNIX -e '
                                                my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 1;
                                                print $s qq({"execute": "add_hostfwd", "arguments": {"proto": "tcp", ) .
                                                        qq("host_addr": "127.0.0.1", "host_port": $ARGV[1], "guest_port": 8080}});
                                                $s->shutdown(1); my $r = join("", <$s>); exit($r =~ /error/ ? 1 : 0);' \
                                                "$out/api.sock" "$p" >>"$out/$rt.log" 2>&1 || rc=$?
                                fi
                        fi
                        m=$EPOCHREALTIME
                        [ "$rc" -ne 0 ] || wait_answer "$p" 10 || rc=$?
                        e=$EPOCHREALTIME
                        [ -z "$sp" ] || { kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null || true; }
                        "${bin[$rt]}" --root "$st/$rt" delete -f "$id" >/dev/null 2>&1 || true
                        if [ "$rc" -ne 0 ]; then
                                say "$rt: failed ($rc): $(tail -n 3 "$out/$rt.log" | tr '\n' ' ')"
                                continue
                        fi
                        printf '%s\t%d\t%s\t%s\n' "$rt" "$i" "$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", (b - a) * 1000 }')" "$(awk -v a="$s" -v b="$m" 'BEGIN { printf "%.3f", (b - a) * 1000 }')" \
                                >>"$out/runs.tsv"
                done
        done
}

if [ "${1:-}" = "--inner" ]; then
        shift
        inner "$@"
        exit 0
fi

RUNS=20
TEST_USER=ocirt-test
while [ $# -gt 0 ]; do
        case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --user) TEST_USER=$2; shift 2 ;;
        -h | --help) sed -n '/^# Usage:/,/^# Environment:/p' "$SELF" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1'" ;;
        esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs: expected a positive number, got '$RUNS'"
[ "$(id -u)" -eq 0 ] || die "run me as root (sudo $0): I switch to the test user myself"
for t in slirp4netns crun runc jq perl; do
        command -v "$t" >/dev/null || die "$t is missing: apt-get install slirp4netns crun runc jq perl"
done
OCIRT_BIN=$(readlink -f "${OCIRT_BIN:-$TOP/ocirt}")
[ -x "$OCIRT_BIN" ] || die "no ocirt binary at $OCIRT_BIN (build it, or set OCIRT_BIN)"
uid=$(id -u "$TEST_USER") || die "no user $TEST_USER (tests/setup-host creates it)"

WORK=$(mktemp -d /var/tmp/ocirt-bench-net.XXXXXX)
chmod 0755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
sh "$TOP/tests/lib/mkrootfs.sh" "$WORK/rootfs" >/dev/null || die "tests/lib/mkrootfs.sh failed"
install -d -m 0755 -o "$TEST_USER" "$WORK/bundle" "$WORK/bundle-netns" "$WORK/out"
su -s /bin/sh "$TEST_USER" -c "cd '$WORK/bundle' && runc spec --rootless" || die "runc spec --rootless failed"
jq --arg r "$WORK/rootfs" '.ociVersion = "1.0.2" | .root.path = $r | .process.terminal = false |
        .process.args = ["nc", "-ll", "-p", "8080", "-e", "echo", "hi"]' "$WORK/bundle/config.json" >"$WORK/c.json"
cp "$WORK/c.json" "$WORK/bundle/config.json"
jq '.linux.namespaces += [{type: "network"}]' "$WORK/c.json" >"$WORK/bundle-netns/config.json"
chmod 0644 "$WORK"/bundle*/config.json
cp "$SELF" "$WORK/net-bench.sh"
cp "$BENCH_DIR/lib.sh" "$WORK/lib.sh"

PRIV_NS='if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then umount /sys/fs/cgroup/unified || exit 1; fi; exec "$@"'
install -d -m 0700 -o "$TEST_USER" "/run/user/$uid"
unshare -m --propagation private sh -c "$PRIV_NS" sh su -s /bin/bash "$TEST_USER" -c \
        "export XDG_RUNTIME_DIR=/run/user/$uid; cd /; exec bash $WORK/net-bench.sh --inner $WORK $WORK/out $RUNS $OCIRT_BIN $(command -v crun) $(command -v runc)" ||
        say "the benchmark failed"

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS="$BENCH_DIR/results/net-$STAMP"
mkdir -p "$RESULTS"
cp "$WORK/out/runs.tsv" "$RESULTS/" 2>/dev/null || die "no results"
med() { median %.1f; }
{
        echo "# Time to the first answer through a published port, rootless, slirp4netns ($STAMP)"
        echo
        echo "$(slirp4netns --version | head -n 1); ocirt $("$OCIRT_BIN" --version | head -n 1 | awk '{ print $3 }'), $(crun --version | head -n 1), $(runc --version | head -n 1)"
        echo "Medians of $RUNS runs per runtime, interleaved (crun and runc: slirp4netns started by hand, as podman does)."
        echo
        echo "| runtime | first answer (ms) | / crun |"
        echo "|---|---|---|"
        c=$(awk -F'\t' '$1 == "crun" { print $3 }' "$RESULTS/runs.tsv" | med)
        for rt in ocirt crun runc; do
                m=$(awk -F'\t' -v r="$rt" '$1 == r { print $3 }' "$RESULTS/runs.tsv" | med)
                [ -n "$m" ] || continue
                echo "| $rt | $m | $(ratio "$m" "$c") |"
        done
} | tee "$RESULTS/summary.md"
say "results in $RESULTS"
