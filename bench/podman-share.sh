#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/podman-share.sh: what the runtime costs inside `podman run --rm IMAGE /bin/true`, with
# ocirt, crun and runc as podman's runtime, as root and as the test user (rootless podman).
#
# Every runtime is called through a small wrapper named like the runtime (podman decides some
# behaviour by the runtime's name) that records the wall time of each call podman and conmon make
# (create, start, state, delete, ...). Per podman run: the sum of those calls is the runtime's
# share; the podman run's own wall time is the total. Runs are interleaved round-robin over the
# runtimes so that a drift in load hits all of them alike. Reports medians, and ocirt/crun.
#
# Usage: sudo bench/podman-share.sh [--runs N] [--users root,rootless] [--user NAME]
# Environment: OCIRT_BIN  the ocirt binary (default: ./ocirt at the top of the tree)
set -euo pipefail

PROG=${0##*/}
SELF=$(readlink -f "$0")
BENCH_DIR=$(dirname "$SELF")
TOP=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh" # say, die, median, ratio; copied next to the copy of this script below

RT_NAMES=(ocirt crun runc)

# ---------------------------------------------------------------------------
# Inner mode (in the private mount namespace, as root or the test user):
#   --inner WORK OUT RUNS  writes OUT/runs.tsv: runtime, run, total_ms, runtime_ms, calls
# ---------------------------------------------------------------------------
inner() {
        local work=$1 out=$2 runs=$3 rt i s e total share calls rc
        local st="$out/storage" rr
        mkdir -p "$st" "$out/tmp"
        # podman wants a run root of at most 50 characters.
        rr=$(mktemp -d /tmp/ocbp.XXXXXX)
        local -a P=(podman --root "$st" --runroot "$rr" --storage-driver vfs)
        export CONTAINERS_CONF=$out/containers.conf
        {
                printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\ntmp_dir = "%s"\n' "$out/tmp"
                printf 'runtime_supports_json = ["crun", "runc", "ocirt"]\nruntime_supports_nocgroups = ["crun", "ocirt"]\n'
                printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n'
        } >"$CONTAINERS_CONF"
        tar -C "$work/rootfs" -c . | "${P[@]}" import - localhost/bench >/dev/null
        # The wrappers, with this pass's log files written in: podman and conmon do not pass the
        # environment through to the runtime.
        for rt in "${RT_NAMES[@]}"; do
                [ -f "$work/wrap/$rt" ] || continue
                mkdir -p "$out/wrap/$rt"
                sed "s|@LOG@|$out/calls-$rt.log|" "$work/wrap/$rt" >"$out/wrap/$rt/$rt"
                chmod 0755 "$out/wrap/$rt/$rt"
        done
        : >"$out/runs.tsv"
        : >"$out/calls.tsv"
        for ((i = 0; i < runs; i++)); do
                for rt in "${RT_NAMES[@]}"; do
                        [ -x "$out/wrap/$rt/$rt" ] || continue
                        : >"$out/calls-$rt.log"
                        s=$EPOCHREALTIME
                        rc=0
                        "${P[@]}" --runtime "$out/wrap/$rt/$rt" \
                                run --rm localhost/bench /bin/true >/dev/null 2>"$out/err-$rt.log" </dev/null || rc=$?
                        e=$EPOCHREALTIME
                        if [ "$rc" -ne 0 ]; then
                                say "$rt: podman run failed ($rc): $(tail -n 3 "$out/err-$rt.log" | tr '\n' ' ')"
                                continue
                        fi
                        total=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", (b - a) * 1000 }')
                        share=$(awk '{ t += ($2 - $1) * 1000 } END { printf "%.3f", t }' "$out/calls-$rt.log")
                        calls=$(awk '{ printf "%s%s", sep, $3; sep = "," }' "$out/calls-$rt.log")
                        printf '%s\t%d\t%s\t%s\t%s\n' "$rt" "$i" "$total" "$share" "$calls" >>"$out/runs.tsv"
                        awk -v r="$rt" -v i="$i" '{ printf "%s\t%d\t%s\t%.3f\n", r, i, $3, ($2 - $1) * 1000 }' \
                                "$out/calls-$rt.log" >>"$out/calls.tsv"
                done
        done
        "${P[@]}" rm -af -t 0 >/dev/null 2>&1 || true
        "${P[@]}" rmi -af >/dev/null 2>&1 || true
        [ "$(id -u)" = 0 ] || "${P[@]}" unshare rm -rf "$st" >/dev/null 2>&1 || true
        local pp
        pp=$(cat "$out/tmp/pause.pid" 2>/dev/null || true)
        [ -z "$pp" ] || kill -KILL "$pp" 2>/dev/null || true
        rm -rf "$rr" 2>/dev/null || true
}

if [ "${1:-}" = "--inner" ]; then
        shift
        inner "$@"
        exit 0
fi

RUNS=20
USERS=root,rootless
TEST_USER=ocirt-test
while [ $# -gt 0 ]; do
        case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --users) USERS=$2; shift 2 ;;
        --user) TEST_USER=$2; shift 2 ;;
        -h | --help) sed -n '/^# Usage:/,/^# Environment:/p' "$SELF" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1'" ;;
        esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs: expected a positive number, got '$RUNS'"
[ "$(id -u)" -eq 0 ] || die "run me as root (sudo $0)"
for t in podman conmon crun runc jq; do
        command -v "$t" >/dev/null || die "$t is missing: apt-get install podman conmon crun runc jq"
done
OCIRT_BIN=${OCIRT_BIN:-$TOP/ocirt}
OCIRT_BIN=$(readlink -f "$OCIRT_BIN")
[ -x "$OCIRT_BIN" ] || die "no ocirt binary at $OCIRT_BIN (build it, or set OCIRT_BIN)"

WORK=$(mktemp -d /var/tmp/ocirt-bench-podman.XXXXXX)
chmod 0755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
sh "$TOP/tests/lib/mkrootfs.sh" "$WORK/rootfs" >/dev/null || die "tests/lib/mkrootfs.sh failed"
declare -A BIN=([ocirt]=$OCIRT_BIN [crun]=$(command -v crun) [runc]=$(command -v runc))
for rt in "${RT_NAMES[@]}"; do
        # The wrapper's own start (bash) is outside the interval it records.
        mkdir -p "$WORK/wrap"
        cat >"$WORK/wrap/$rt" <<EOF
#!/bin/bash
s=\$EPOCHREALTIME
${BIN[$rt]} "\$@"
rc=\$?
e=\$EPOCHREALTIME
sub=
for a in "\$@"; do case \$a in -*|/*) ;; *) sub=\$a; break ;; esac; done
echo "\$s \$e \$sub" >>@LOG@
exit \$rc
EOF
        chmod 0644 "$WORK/wrap/$rt"
done
cp "$SELF" "$WORK/podman-share.sh"
cp "$BENCH_DIR/lib.sh" "$WORK/lib.sh"

PRIV_NS='if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then umount /sys/fs/cgroup/unified || exit 1; fi; exec "$@"'
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS="$BENCH_DIR/results/podman-$STAMP"
mkdir -p "$RESULTS"
IFS=, read -r -a USER_LIST <<<"$USERS"
for mode in "${USER_LIST[@]}"; do
        out="$WORK/out-$mode"
        case $mode in
        root)
                mkdir -p "$out"
                unshare -m --propagation private sh -c "$PRIV_NS" sh bash "$WORK/podman-share.sh" --inner "$WORK" "$out" "$RUNS" ||
                        say "root: failed"
                ;;
        rootless)
                uid=$(id -u "$TEST_USER") || die "no user $TEST_USER (tests/setup-host creates it)"
                install -d -m 0755 -o "$TEST_USER" "$out"
                install -d -m 0700 -o "$TEST_USER" "/run/user/$uid"
                unshare -m --propagation private sh -c "$PRIV_NS" sh su -s /bin/bash "$TEST_USER" -c \
                        "export XDG_RUNTIME_DIR=/run/user/$uid HOME=\$(getent passwd $TEST_USER | cut -d: -f6); cd /; exec bash $WORK/podman-share.sh --inner $WORK $out $RUNS" ||
                        say "rootless: failed"
                ;;
        *) die "--users: unknown '$mode'" ;;
        esac
        [ -f "$out/runs.tsv" ] && cp "$out/runs.tsv" "$RESULTS/$mode-runs.tsv"
        [ -f "$out/calls.tsv" ] && cp "$out/calls.tsv" "$RESULTS/$mode-calls.tsv"
done

med() { median %.1f; }
{
        echo "# podman run --rm /bin/true: the runtime's share ($STAMP)"
        echo
        echo "$(podman --version); conmon $(conmon --version | head -n 1 | awk '{ print $3 }'); ocirt $("$OCIRT_BIN" --version | head -n 1 | awk '{ print $3 }'), $(crun --version | head -n 1), $(runc --version | head -n 1)"
        echo "Medians of $RUNS podman runs per runtime, interleaved. share = the sum of the runtime calls of one podman run."
        echo
        echo "| user | runtime | podman run (ms) | runtime share (ms) | share / crun's | calls |"
        echo "|---|---|---|---|---|---|"
        for mode in "${USER_LIST[@]}"; do
                f="$RESULTS/$mode-runs.tsv"
                [ -f "$f" ] || continue
                cshare=$(awk -F'\t' '$1 == "crun" { print $4 }' "$f" | med)
                for rt in "${RT_NAMES[@]}"; do
                        t=$(awk -F'\t' -v r="$rt" '$1 == r { print $3 }' "$f" | med)
                        sh=$(awk -F'\t' -v r="$rt" '$1 == r { print $4 }' "$f" | med)
                        calls=$(awk -F'\t' -v r="$rt" '$1 == r { print $5; exit }' "$f")
                        [ -n "$t" ] || continue
                        ratio=$(ratio "$sh" "$cshare")
                        echo "| $mode | $rt | $t | $sh | $ratio | $calls |"
                done
        done
        echo
        echo "Each call (medians, ms): where the share goes."
        echo
        echo "| user | call | ocirt | crun | runc | ocirt/crun |"
        echo "|---|---|---|---|---|---|"
        for mode in "${USER_LIST[@]}"; do
                f="$RESULTS/$mode-calls.tsv"
                [ -f "$f" ] || continue
                for call in $(awk -F'\t' '!seen[$3]++ { print $3 }' "$f"); do
                        declare -A m=()
                        for rt in "${RT_NAMES[@]}"; do
                                m[$rt]=$(awk -F'\t' -v r="$rt" -v c="$call" '$1 == r && $3 == c { print $4 }' "$f" | med)
                        done
                        ratio=$(awk -v a="${m[ocirt]}" -v b="${m[crun]}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
                        echo "| $mode | $call | ${m[ocirt]:--} | ${m[crun]:--} | ${m[runc]:--} | $ratio |"
                done
        done
} | tee "$RESULTS/summary.md"
say "results in $RESULTS"
