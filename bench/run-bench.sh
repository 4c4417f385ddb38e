#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run-bench.sh: time sequential `run` of /bin/true in a busybox rootfs
# with ocirt, crun and runc, as root and as an unprivileged user, and report
# each runtime as a ratio to crun. See bench/README.md for the method.
#
# Usage: sudo bench/run-bench.sh [--runs N] [--warmup N] [--users root,rootless]
#                                [--paths run,wide,exec] [--runtimes ocirt,crun,runc] [--user NAME]
#                                [--rss-runs N] [--idle MS] [--rounds N] [--no-install] [--keep]
#                                [--state-on-disk] [--podman] [--net] [--all] [--busy-cpu N]
#   --rounds N  split the runs into N rounds that take turns over the runtimes (default 4)
#   --busy-cpu N  a busy loop pinned to CPU N during the timed runs: a machine with other work
#               (a runtime that sends its work to "the other CPU" must not lose there)
#   --state-on-disk  keep the state roots under /run as it is, rather than on a tmpfs of the
#               private mount namespace the runtimes run in (the default, as /run on systemd)
#   --podman    also run bench/podman-share.sh (the runtime's share of `podman run`, root and
#               rootless) and append its tables; --net: bench/net-bench.sh (first answer through a
#               published port with slirp4netns); --all: both. 20 runs each.
# Environment: OCIRT_BIN  the ocirt binary (default: ./ocirt at the top of the tree)

set -euo pipefail

PROG=${0##*/}
SELF=$(readlink -f "$0")
BENCH_DIR=$(dirname "$SELF")
TOP=$(dirname "$BENCH_DIR")

# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh" # say, die, median, ratio; copied next to the copy of this script below

# ---------------------------------------------------------------------------
# Inner mode: runs inside the private mount namespace (as root or as the test
# user, after su), times every runtime and writes the raw results to OUTDIR.
# Arguments: MODE WORK OUTDIR STATEBASE RUNS WARMUP RSS_RUNS FLOOR_FLAGS IDLE_MS ROUNDS RT=BIN...
# ---------------------------------------------------------------------------
inner() {
        local mode=$1 work=$2 out=$3 statebase=$4 runs=$5 warmup=$6 rss_runs=$7 floor_flags=$8 idle=$9 rounds=${10}
        shift 10
        # --idle: a pause before every timed run (not timed), so that each run starts on a quiet
        # kernel, as a single `run` does; back to back, runs share deferred kernel work.
        local -a prep=()
        [ "$idle" = 0 ] || prep=(--prepare "sleep $(awk -v ms="$idle" 'BEGIN { printf "%.3f", ms / 1000 }')")
        local bundle="$work/bundle-$mode" rootfs="$work/rootfs"
        local chroot_bin unshare_bin nsenter_bin exec_pid=""
        chroot_bin=$(command -v chroot || echo /usr/sbin/chroot)
        unshare_bin=$(command -v unshare || echo /usr/bin/unshare)
        nsenter_bin=$(command -v nsenter || echo /usr/bin/nsenter)

        # name|command words; the floor first, then every runtime that works.
        local -a names=() cmds=() undo=()
        # shellcheck disable=SC2206 # word splitting of the flags is wanted
        names+=(floor)
        case $mode in
        *-exec) cmds+=(skip) ;; # set from the first running container below
        *) cmds+=("$unshare_bin $floor_flags $chroot_bin $rootfs /bin/true") ;;
        esac
        undo+=(true)

        local spec rt bin state id cmd rc
        for spec in "$@"; do
                rt=${spec%%=*}
                bin=${spec#*=}
                state="$statebase/$rt"
                id="bench-$rt-$mode"
                if [ ! -x "$bin" ]; then
                        say "$mode: skipping $rt: $bin is missing or not executable for $(id -un) (build it, set OCIRT_BIN, or check the modes of its directories)"
                        echo "$rt" >>"$out/$mode-skipped"
                        continue
                fi
                mkdir -p "$state"
                rc=0
                case $mode in
                *-exec)
                        # exec: one running container per runtime (its bundle runs
                        # sleep), then every timed run is `exec ID /bin/true`.
                        "$bin" --root "$state" run --detach --bundle "$bundle" "$id" \
                                >"$out/$mode-$rt.firstrun.log" 2>&1 </dev/null || rc=$?
                        cmd="$bin --root $state exec $id /bin/true"
                        [ "$rc" -ne 0 ] || $cmd >>"$out/$mode-$rt.firstrun.log" 2>&1 </dev/null || rc=$?
                        if [ "$rc" -eq 0 ] && [ -z "$exec_pid" ]; then
                                exec_pid=$("$bin" --root "$state" state "$id" | jq -r .pid)
                                # The floor for exec: nsenter into the same container's
                                # namespaces, root and cwd, and exec /bin/true.
                                cmds[0]="$nsenter_bin -t $exec_pid $floor_flags -r -w /bin/true"
                        fi
                        ;;
                *)
                        cmd="$bin --root $state run --bundle $bundle $id"
                        # The first run decides whether this runtime takes part.
                        $cmd >"$out/$mode-$rt.firstrun.log" 2>&1 </dev/null || rc=$?
                        ;;
                esac
                if [ "$rc" -ne 0 ]; then
                        say "$mode: skipping $rt: its first run failed with exit status $rc:"
                        sed 's/^/    /' "$out/$mode-$rt.firstrun.log" | tail -n 5 >&2
                        "$bin" --root "$state" delete --force "$id" >/dev/null 2>&1 || true
                        echo "$rt" >>"$out/$mode-skipped"
                        continue
                fi
                names+=("$rt")
                cmds+=("$cmd")
                undo+=("$bin --root $state delete --force $id")
        done
        if [ "${cmds[0]}" = skip ]; then
                # No runtime started a container: no floor to measure either.
                unset 'names[0]' 'cmds[0]' 'undo[0]'
        fi

        # The runs are split into rounds, and every round times each command in turn: on a shared
        # machine the speed drifts over tens of seconds, and timing one runtime's runs all before
        # the next one's turned that drift into the ratio (the root row read 0.48x and 0.64x in two
        # invocations minutes apart, 2026-12-06). One hyperfine call per command and round, so
        # that a runtime failing half-way loses only its own figures.
        local i n r per=$(((runs + rounds - 1) / rounds)) warm
        local -A gone=()
        for ((r = 1; r <= rounds; r++)); do
                warm=$warmup
                [ "$r" = 1 ] || warm=$((warmup < 2 ? warmup : 2))
                for i in "${!names[@]}"; do
                        n=${names[$i]}
                        [ -z "${gone[$n]:-}" ] || continue
                        say "$mode: timing $n (round $r of $rounds: $per runs, $warm warm-up)"
                        if ! hyperfine -N --style basic --runs "$per" --warmup "$warm" "${prep[@]}" \
                                --command-name "$n" --export-json "$out/$mode-$n.r$r.json" \
                                "${cmds[$i]}" >>"$out/$mode-$n.hyperfine.txt" 2>&1; then
                                say "$mode: $n failed during the timed runs:"
                                tail -n 5 "$out/$mode-$n.hyperfine.txt" | sed 's/^/    /' >&2
                                echo "$n (failed during the timed runs)" >>"$out/$mode-skipped"
                                ${undo[$i]} >/dev/null 2>&1 || true
                                gone[$n]=1
                        fi
                done
        done

        for i in "${!names[@]}"; do
                n=${names[$i]}
                [ -z "${gone[$n]:-}" ] || continue
                # All rounds as one sample, in hyperfine's CSV columns (median_ms reads the 4th).
                jq -rs --arg n "$n" '[.[].results[0].times[]] | sort as $t | ($t | length) as $k
                        | (($t | add) / $k) as $mean
                        | (if $k % 2 == 1 then $t[($k - 1) / 2] else ($t[$k / 2 - 1] + $t[$k / 2]) / 2 end) as $med
                        | ((($t | map((. - $mean) * (. - $mean)) | add) / ([$k - 1, 1] | max)) | sqrt) as $sd
                        | "command,mean,stddev,median,user,system,min,max",
                          "\($n),\($mean),\($sd),\($med),,,\($t[0]),\($t[-1])"' \
                        "$out/$mode-$n".r*.json >"$out/$mode-$n.csv"
                jq -s '{results: [.[0].results[0] + {times: [.[].results[0].times[]]}]}' "$out/$mode-$n".r*.json \
                        >"$out/$mode-$n.json"
                rm -f "$out/$mode-$n".r*.json

                # Peak RSS: GNU time reports the largest RSS among the
                # process and the children it waited for; median of rss_runs.
                local k vals=() f="$out/$mode-$n.time-v.txt"
                : >"$f"
                for ((k = 0; k < rss_runs; k++)); do
                        # shellcheck disable=SC2086 # split the command into words
                        /usr/bin/time -v -o "$out/.time" ${cmds[$i]} >/dev/null 2>&1 </dev/null || true
                        cat "$out/.time" >>"$f"
                        vals+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/.time")")
                done
                printf '%s\n' "${vals[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' \
                        >"$out/$mode-$n.rss"
        done
        rm -f "$out/.time"
        case $mode in
        *-exec)
                for i in "${!undo[@]}"; do
                        ${undo[$i]} >/dev/null 2>&1 || true
                done
                ;;
        esac
}

if [ "${1:-}" = "--inner" ]; then
        shift
        inner "$@"
        exit 0
fi

# ---------------------------------------------------------------------------
# Outer mode
# ---------------------------------------------------------------------------
RUNS=100
WARMUP=5
RSS_RUNS=5
USERS=root,rootless
PATHS=run,wide,exec
RUNTIMES=ocirt,crun,runc
TEST_USER=ocirt-test
INSTALL=1
KEEP=0
STATE_TMPFS=1
IDLE=0
ROUNDS=4
EXTRA_PODMAN=0
EXTRA_NET=0
BUSY_CPU=

usage() {
        sed -n '/^# Usage:/,/^# Environment:/p' "$SELF" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
        case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --runs=*) RUNS=${1#*=}; shift ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --warmup=*) WARMUP=${1#*=}; shift ;;
        --rss-runs) RSS_RUNS=$2; shift 2 ;;
        --idle) IDLE=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --podman) EXTRA_PODMAN=1; shift ;;
        --net) EXTRA_NET=1; shift ;;
        --all) EXTRA_PODMAN=1; EXTRA_NET=1; shift ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --idle=*) IDLE=${1#*=}; shift ;;
        --rss-runs=*) RSS_RUNS=${1#*=}; shift ;;
        --paths) PATHS=$2; shift 2 ;;
        --paths=*) PATHS=${1#*=}; shift ;;
        --users) USERS=$2; shift 2 ;;
        --users=*) USERS=${1#*=}; shift ;;
        --runtimes) RUNTIMES=$2; shift 2 ;;
        --runtimes=*) RUNTIMES=${1#*=}; shift ;;
        --user) TEST_USER=$2; shift 2 ;;
        --user=*) TEST_USER=${1#*=}; shift ;;
        --no-install) INSTALL=0; shift ;;
        --keep) KEEP=1; shift ;;
        --state-on-disk) STATE_TMPFS=0; shift ;;
        --busy-cpu) BUSY_CPU=$2; shift 2 ;;
        --busy-cpu=*) BUSY_CPU=${1#*=}; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
        esac
done

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs: expected a positive number, got '$RUNS'"
[[ $RSS_RUNS =~ ^[1-9][0-9]*$ ]] || die "--rss-runs: expected a positive number, got '$RSS_RUNS'"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "--warmup: expected a number, got '$WARMUP'"
[[ $IDLE =~ ^[0-9]+$ ]] || die "--idle: expected milliseconds, got '$IDLE'"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds: expected a positive number, got '$ROUNDS'"
if [ -n "$BUSY_CPU" ]; then
        [[ $BUSY_CPU =~ ^[0-9]+$ ]] && [ "$BUSY_CPU" -lt "$(nproc)" ] ||
                die "--busy-cpu: expected a CPU number below $(nproc), got '$BUSY_CPU'"
fi

[ "$(id -u)" -eq 0 ] ||
        die "run me as root (sudo $0): I need a private mount namespace, and su to the test user for the rootless runs"

# --- 1. tools --------------------------------------------------------------
need_pkgs=()
need() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || need_pkgs+=("$2"); }
need crun crun
need runc runc
need hyperfine hyperfine
need /usr/bin/time time
need jq jq
need unshare util-linux
need nsenter util-linux
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need_pkgs+=(busybox-static)
if [ ${#need_pkgs[@]} -gt 0 ]; then
        [ "$INSTALL" -eq 1 ] || die "missing packages: ${need_pkgs[*]} (drop --no-install, or apt-get install them)"
        say "installing ${need_pkgs[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" >/dev/null ||
                die "apt-get install ${need_pkgs[*]} failed"
fi

OCIRT_BIN=${OCIRT_BIN:-$TOP/ocirt}
case $OCIRT_BIN in /*) ;; *) OCIRT_BIN=$(readlink -f "$OCIRT_BIN" || echo "$PWD/$OCIRT_BIN") ;; esac

declare -A BIN=([ocirt]=$OCIRT_BIN [crun]=$(command -v crun) [runc]=$(command -v runc))
IFS=, read -r -a RT_LIST <<<"$RUNTIMES"
IFS=, read -r -a USER_LIST <<<"$USERS"
for rt in "${RT_LIST[@]}"; do
        [ -n "${BIN[$rt]+x}" ] || die "--runtimes: unknown runtime '$rt' (known: ocirt, crun, runc)"
done
for u in "${USER_LIST[@]}"; do
        case $u in root | rootless) ;; *) die "--users: unknown '$u' (known: root, rootless)" ;; esac
done
IFS=, read -r -a PATH_LIST <<<"$PATHS"
for p in "${PATH_LIST[@]}"; do
        case $p in run | wide | exec) ;; *) die "--paths: unknown '$p' (known: run, wide, exec)" ;; esac
done
has_path() { [[ " ${PATH_LIST[*]} " == *" $1 "* ]]; }
# The modes measured, in table order: MODE = USER[-PATH].
#   root, rootless     `run` of /bin/true; rootless maps only the user's own id (runc's spec)
#   rootless-wide      `run`, rootless with the user's own id and its whole subordinate range
#                      (what `ocirt spec --rootless` writes): newuidmap and newgidmap do the maps
#   root-exec, rootless-exec   `exec ID /bin/true` into a running container
MODES=()
for u in "${USER_LIST[@]}"; do
        ! has_path run || MODES+=("$u")
        [ "$u" = root ] || ! has_path wide || MODES+=("$u-wide")
        ! has_path exec || MODES+=("$u-exec")
done
[ ${#MODES[@]} -gt 0 ] || die "--users/--paths: nothing to measure"

# --- 2. the rootless test user (the same set-up as tests/setup-host) --------
TEST_UID=
if [[ " ${USER_LIST[*]} " == *" rootless "* ]]; then
        if ! id "$TEST_USER" >/dev/null 2>&1; then
                say "creating the test user $TEST_USER"
                useradd -m -s /bin/sh "$TEST_USER"
        fi
        TEST_UID=$(id -u "$TEST_USER")
        for f in /etc/subuid /etc/subgid; do
                grep -qE "^($TEST_USER|$TEST_UID):" "$f" 2>/dev/null || echo "$TEST_USER:100000:65536" >>"$f"
        done
        install -d -m 0700 -o "$TEST_USER" -g "$(id -g "$TEST_USER")" "/run/user/$TEST_UID"
fi

# --- 3. work dir, rootfs and bundles --------------------------------------
WORK=$(mktemp -d /var/tmp/ocirt-bench.XXXXXX)
chmod 0755 "$WORK"
ROOT_STATE=/run/ocirt-bench.$$
BUSY_PID=
cleanup() {
        [ -z "$BUSY_PID" ] || kill "$BUSY_PID" 2>/dev/null || true
        if [ "$KEEP" -eq 1 ]; then
                say "kept $WORK"
        else
                rm -rf "$WORK"
        fi
        rm -rf "$ROOT_STATE"
        [ -z "$TEST_UID" ] || rm -rf "/run/user/$TEST_UID/ocirt-bench.$$"
}
trap cleanup EXIT

cp "$SELF" "$WORK/run-bench.sh"
cp "$BENCH_DIR/lib.sh" "$WORK/lib.sh"
chmod 0755 "$WORK/run-bench.sh"

if [ -x "$TOP/tests/lib/mkrootfs.sh" ] || [ -f "$TOP/tests/lib/mkrootfs.sh" ]; then
        sh "$TOP/tests/lib/mkrootfs.sh" "$WORK/rootfs" >/dev/null || die "tests/lib/mkrootfs.sh $WORK/rootfs failed"
else
        # The same shape as tests/lib/mkrootfs.sh: a static busybox plus one
        # symlink per applet.
        mkdir -p "$WORK/rootfs"/{bin,dev,etc,proc,sys,tmp}
        cp /bin/busybox "$WORK/rootfs/bin/busybox"
        for a in $("$WORK/rootfs/bin/busybox" --list); do
                [ -e "$WORK/rootfs/bin/$a" ] || ln -s busybox "$WORK/rootfs/bin/$a"
        done
fi
[ -x "$WORK/rootfs/bin/true" ] || die "the rootfs at $WORK/rootfs has no /bin/true"

# One config per user, shared by every runtime: runc's default (root) and
# runc's rootless spec generated as the test user (it maps that user's uid).
edit_config() {
        jq --arg root "$WORK/rootfs" \
                '.process.args = ["/bin/true"] | .process.terminal = false | .root.path = $root' \
                "$1/config.json" >"$1/config.json.new"
        mv "$1/config.json.new" "$1/config.json"
}
mkdir "$WORK/bundle-root"
(cd "$WORK/bundle-root" && runc spec)
edit_config "$WORK/bundle-root"
SUB_UID="" SUB_GID=""
if [ -n "$TEST_UID" ]; then
        install -d -m 0755 -o "$TEST_USER" "$WORK/bundle-rootless"
        su -s /bin/sh "$TEST_USER" -c "cd '$WORK/bundle-rootless' && runc spec --rootless" ||
                die "runc spec --rootless as $TEST_USER failed"
        edit_config "$WORK/bundle-rootless"
        chown "$TEST_USER" "$WORK/bundle-rootless/config.json"
        chmod 0644 "$WORK/bundle-rootless/config.json"
        # The wide mapping: own id to 0, then the first subordinate range from 1 on.
        SUB_UID=$(awk -F: -v u="$TEST_USER" -v n="$TEST_UID" '$1 == u || $1 == n { print $2 "," $3; exit }' /etc/subuid)
        SUB_GID=$(awk -F: -v u="$TEST_USER" -v n="$TEST_UID" '$1 == u || $1 == n { print $2 "," $3; exit }' /etc/subgid)
        [ -n "$SUB_UID" ] && [ -n "$SUB_GID" ] || die "$TEST_USER has no range in /etc/subuid or /etc/subgid"
        install -d -m 0755 -o "$TEST_USER" "$WORK/bundle-rootless-wide"
        jq --argjson su "${SUB_UID%,*}" --argjson sn "${SUB_UID#*,}" \
                --argjson sg "${SUB_GID%,*}" --argjson gn "${SUB_GID#*,}" '
                .linux.uidMappings += [{containerID: 1, hostID: $su, size: $sn}] |
                .linux.gidMappings += [{containerID: 1, hostID: $sg, size: $gn}]' \
                "$WORK/bundle-rootless/config.json" >"$WORK/bundle-rootless-wide/config.json"
        chmod 0644 "$WORK/bundle-rootless-wide/config.json"
fi
# exec: the same configs running sleep, for a container that stays up.
for u in "${USER_LIST[@]}"; do
        [ -f "$WORK/bundle-$u/config.json" ] || continue
        mkdir -p "$WORK/bundle-$u-exec"
        jq '.process.args = ["/bin/sleep", "3600"]' "$WORK/bundle-$u/config.json" >"$WORK/bundle-$u-exec/config.json"
        chmod 0755 "$WORK/bundle-$u-exec"
        chmod 0644 "$WORK/bundle-$u-exec/config.json"
done

# The floor: the same namespaces as the config, entered with unshare(1),
# then chroot into the rootfs and exec /bin/true.
floor_flags() { # BUNDLE MODE: unshare(1)'s flags, or nsenter(1)'s for an exec mode
        local flags="" t
        if [[ $2 == *-exec ]]; then
                for t in $(jq -r '.linux.namespaces[].type' "$1/config.json"); do
                        case $t in
                        pid) flags+=" -p" ;;
                        network) flags+=" -n" ;;
                        ipc) flags+=" -i" ;;
                        uts) flags+=" -u" ;;
                        mount) flags+=" -m" ;;
                        cgroup) flags+=" -C" ;;
                        user) flags+=" -U --preserve-credentials" ;;
                        esac
                done
                echo "${flags# }"
                return
        fi
        for t in $(jq -r '.linux.namespaces[].type' "$1/config.json"); do
                case $t in
                pid) flags+=" --pid --fork" ;;
                network) flags+=" --net" ;;
                ipc) flags+=" --ipc" ;;
                uts) flags+=" --uts" ;;
                mount) flags+=" --mount" ;;
                cgroup) flags+=" --cgroup" ;;
                user) flags+=" --user --map-root-user" ;;
                esac
        done
        # unshare(1) runs newuidmap/newgidmap for the subordinate range, as the runtimes do.
        [ "$2" != rootless-wide ] || flags+=" --map-users=${SUB_UID%,*},1,${SUB_UID#*,} --map-groups=${SUB_GID%,*},1,${SUB_GID#*,}"
        echo "${flags# }"
}

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS="$BENCH_DIR/results/$STAMP"
mkdir -p "$RESULTS"

# Private mount namespace with the cgroup2 mount of a hybrid host removed:
# crun 1.8 refuses hybrid hosts otherwise; every runtime gets the same.
# The state roots on a tmpfs in that namespace (gone with it), as /run and /run/user/UID are on a
# systemd host and as runc's --root wants them. This VM has no systemd: its /run is on the root
# ext4, where making and removing a state dir costs every runtime about 0.15 ms of each run (the
# mkdir, and the last close of a removed directory). --state-on-disk keeps them there.
# Arguments of PRIV_NS_STATE: DIR OWNER-UID, then the command.
PRIV_NS_STATE='d=$1 u=$2; shift 2; if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then umount /sys/fs/cgroup/unified || exit 1; fi
if [ "$TMPFS" = 1 ]; then mkdir -p "$d" && mount -t tmpfs -o "mode=0700,uid=$u,gid=$(id -g "$u")" tmpfs "$d" || exit 1; fi
exec "$@"'

rt_specs=()
for rt in "${RT_LIST[@]}"; do
        rt_specs+=("$rt=${BIN[$rt]}")
done

# --busy-cpu: the loop runs through every mode's timed runs (cleanup ends it on any exit).
if [ -n "$BUSY_CPU" ]; then
        taskset -c "$BUSY_CPU" sh -c 'while :; do :; done' &
        BUSY_PID=$!
fi
for mode in "${MODES[@]}"; do
        out="$WORK/out-$mode"
        ff=$(floor_flags "$WORK/bundle-$mode" "$mode")
        if [ "${mode%%-*}" = root ]; then
                mkdir -p "$out" "$ROOT_STATE"
                TMPFS=$STATE_TMPFS unshare -m --propagation private sh -c "$PRIV_NS_STATE" sh "$ROOT_STATE" 0 \
                        "$WORK/run-bench.sh" --inner "$mode" "$WORK" "$out" "$ROOT_STATE" \
                        "$RUNS" "$WARMUP" "$RSS_RUNS" "$ff" "$IDLE" "$ROUNDS" "${rt_specs[@]}" ||
                        say "root: the benchmark failed"
        else
                install -d -m 0755 -o "$TEST_USER" "$out"
                statebase="/run/user/$TEST_UID/ocirt-bench.$$"
                q=$(printf ' %q' "$WORK/run-bench.sh" --inner "$mode" "$WORK" "$out" "$statebase" \
                        "$RUNS" "$WARMUP" "$RSS_RUNS" "$ff" "$IDLE" "$ROUNDS" "${rt_specs[@]}")
                TMPFS=$STATE_TMPFS unshare -m --propagation private sh -c "$PRIV_NS_STATE" sh "$statebase" "$TEST_UID" \
                        su -s /bin/bash "$TEST_USER" -c \
                        "export XDG_RUNTIME_DIR=/run/user/$TEST_UID HOME=\$(getent passwd $TEST_USER | cut -d: -f6) PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin; cd /; exec$q" ||
                        say "rootless: the benchmark failed"
        fi
        cp -r "$out"/. "$RESULTS/" 2>/dev/null || true
done
if [ -n "$BUSY_PID" ]; then
        kill "$BUSY_PID" 2>/dev/null || true
        wait "$BUSY_PID" 2>/dev/null || true
        BUSY_PID=
fi
cp "$WORK/bundle-root/config.json" "$RESULTS/config-root.json"
[ -z "$TEST_UID" ] || cp "$WORK/bundle-rootless/config.json" "$RESULTS/config-rootless.json"
[ -z "$TEST_UID" ] || cp "$WORK/bundle-rootless-wide/config.json" "$RESULTS/config-rootless-wide.json"

# --- 4. the table -----------------------------------------------------------
median_ms() { # MODE NAME -> median in ms, or empty
        local f="$RESULTS/$1-$2.csv"
        [ -f "$f" ] || return 0
        awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$f"
}
rss_kb() { if [ -f "$RESULTS/$1-$2.rss" ]; then cat "$RESULTS/$1-$2.rss"; fi; }
above() { [ -n "$1" ] && [ -n "$2" ] && [ -n "$3" ] &&
        awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { if (b - f > 0) printf "%.2fx", (a - f) / (b - f); else print "n/a" }' || echo "n/a"; }

{
        echo "# ocirt benchmark $STAMP"
        echo
        echo "Host: $(uname -sr), $(nproc) CPUs; $RUNS timed runs (+$WARMUP warm-up) per runtime, medians."
        echo "ocirt: $OCIRT_BIN ($("$OCIRT_BIN" --version 2>/dev/null | head -n 1 || echo 'version unknown'))"
        echo "crun: $(crun --version | head -n 1); runc: $(runc --version | head -n 1)"
        if [ "$STATE_TMPFS" = 1 ]; then echo "State roots: a tmpfs (as /run on a systemd host; --state-on-disk: /run as it is)."; else echo "State roots: /run as it is ($(findmnt -no FSTYPE -T /run))."; fi
        [ -z "$BUSY_CPU" ] || echo "A busy loop ran on CPU $BUSY_CPU during the timed runs (--busy-cpu)."
        echo
        if [ "$IDLE" = 0 ]; then
                echo "## Time per run (ms, median of $RUNS back-to-back runs, in $ROUNDS interleaved rounds)"
        else
                echo "## Time per run (ms, median of $RUNS runs, each after $IDLE ms idle)"
        fi
        echo
        echo "| path | floor | ocirt | crun | runc | ocirt/crun | runc/crun | ocirt/crun above floor | ocirt/floor |"
        echo "|---|---|---|---|---|---|---|---|---|"
        for mode in "${MODES[@]}"; do
                fl=$(median_ms "$mode" floor)
                o=$(median_ms "$mode" ocirt)
                c=$(median_ms "$mode" crun)
                r=$(median_ms "$mode" runc)
                echo "| $mode | $(or_na "$fl") | $(or_na "$o") | $(or_na "$c") | $(or_na "$r") | $(ratio "$o" "$c") | $(ratio "$r" "$c") | $(above "$o" "$c" "$fl") | $(ratio "$o" "$fl") |"
        done
        echo
        echo "## Peak RSS of one run (kB, median of $RSS_RUNS, GNU time -v)"
        echo
        echo "| path | floor | ocirt | crun | runc | ocirt/crun | runc/crun |"
        echo "|---|---|---|---|---|---|---|"
        for mode in "${MODES[@]}"; do
                fl=$(rss_kb "$mode" floor)
                o=$(rss_kb "$mode" ocirt)
                c=$(rss_kb "$mode" crun)
                r=$(rss_kb "$mode" runc)
                echo "| $mode | $(or_na "$fl") | $(or_na "$o") | $(or_na "$c") | $(or_na "$r") | $(ratio "$o" "$c") | $(ratio "$r" "$c") |"
        done
        echo
        echo "Targets: ocirt/crun time <= 0.50x, ocirt/crun peak RSS <= 0.70x, ocirt/floor time <= 3x."
        echo "Floors: unshare(1) + chroot(1) of /bin/true with the same namespaces and mapping (newuidmap for"
        echo "rootless-wide); for exec, nsenter(1) into the running ocirt container."
        for mode in "${MODES[@]}"; do
                [ ! -f "$RESULTS/$mode-skipped" ] || echo "Skipped ($mode): $(tr '\n' ' ' <"$RESULTS/$mode-skipped")(see the messages above)"
        done
} | tee "$RESULTS/summary.md"

# --- 5. the other rows of the table: under podman, and with a network ---------
extra() { # SCRIPT PREFIX TITLE: run a sibling benchmark, append its summary under TITLE
        local before="" after="" d
        # The stamps sort by time: the last directory is the newest.
        for d in "$BENCH_DIR/results/$2"-*; do [ ! -d "$d" ] || before=$d; done
        if ! OCIRT_BIN="$OCIRT_BIN" "$BENCH_DIR/$1" --runs 20 --user "$TEST_USER" >"$RESULTS/$2.log" 2>&1; then
                say "$1 failed (the end of its output):"
                tail -n 5 "$RESULTS/$2.log" | sed 's/^/    /' >&2
                return 0
        fi
        for d in "$BENCH_DIR/results/$2"-*; do [ ! -d "$d" ] || after=$d; done
        [ -n "$after" ] && [ "$after" != "$before" ] || return 0
        { echo; echo "## $3"; echo; awk 'NR == 1 && /^# / { skip = 1; next } skip && /^$/ { skip = 0; next } { skip = 0; print }' "$after/summary.md"; } | tee -a "$RESULTS/summary.md"
}
[ "$EXTRA_PODMAN" = 0 ] || extra podman-share.sh podman "Under podman (bench/podman-share.sh)"
[ "$EXTRA_NET" = 0 ] || extra net-bench.sh net "Rootless network: first answer through a published port (bench/net-bench.sh)"

ln -sfn "$STAMP" "$BENCH_DIR/results/latest"
say "results in $RESULTS"
