# SPDX-License-Identifier: GPL-2.0-or-later
# tests/diff/harness.bash: the differential harness, sourced by tests/diff/*.sh.
#
# It runs one bundle under ocirt and under the reference runtimes (runc, and
# crun inside a private mount namespace without /sys/fs/cgroup/unified, which
# crun 1.8 needs on this hybrid-cgroup host) and compares what the container
# sees and what the host keeps. A case is one declarative line:
#
#   dcase NAME [--base B] [--jq FILTER] [--cmd SHELL] [--aspects LIST] [--pass P]
#              [--raw] [--setup SHELL] [--holder CMD] [--private-rootfs]
#              [--private-mntns] [--run-arg ARG]...
#
#   --base      the config to start from: runc (`runc spec`), runc-rootless
#               (`runc spec --rootless`), ocirt (`ocirt spec`), ocirt-rootless
#               (`ocirt spec --rootless`); each made by the user running the pass.
#   --jq        a jq filter applied to it; it sees $id (the container id),
#               $bundle, $rootfs, $hpid (the holder's pid), $uid and $gid (the
#               pass's own ids, numbers).
#   --cmd       a shell command run inside after the collector; its output is
#               the 'stdout' aspect and its status the container's exit status.
#   --raw       run only /bin/sh -c CMD, without the collector (aspects: exit,
#               stdout, stderr, host).
#   --argv "A B"  run exactly these words as process.args (implies --raw; for
#               profiles, such as a seccomp allow list, under which sh cannot run).
#   --aspects   a comma list out of: exit stdout stderr status mountinfo cgroup
#               dev net env host (default: all).
#   --pass      root, user or both (default both): which tests/run pass runs it.
#   --setup     a shell command run on the host in the bundle directory before
#               each runtime's run (e.g. to make a bind-mount source).
#   --holder    a command started in the background before each run whose
#               namespaces the config joins through /proc/$hpid/ns/...; killed after.
#   --private-rootfs  copy the rootfs to BUNDLE/rootfs (for cases that change it).
#   --private-mntns   run every runtime inside `unshare -m` (for configs that
#               would otherwise mount into the caller's mount namespace).
#   --run-arg ARG     one more argument to `run` for every runtime (repeatable).
#   --jq-args ARGS    more jq arguments (split at blanks), e.g. --argjson x JSON.
#   --teardown SHELL  run on the host after each runtime's run, with $ID set.
#
# The host aspect lists what a run left on the host (cgroup directories and
# mounts named after the id or below the bundle, state entries, new files in
# the bundle); a reference normally leaves nothing, so ocirt must not either.
#
# Each (case, reference, aspect) is one TAP test. A difference fails unless
# tests/diff/expected (deliberate differences) or tests/diff/known-bugs (open
# bugs: reported as TODO) accepts every differing line. Lines of both files:
#
#   CASE ASPECT REF PASS ISSUE REGEX # reason
#
# CASE, ASPECT, REF (runc or crun) and PASS (root or user) are shell globs;
# ISSUE names the item (e.g. 12.6, or new-3 for a finding no issue has yet; '-'
# in expected); REGEX (the rest of the line up to ' # ', bash =~ extended, or
# '-' for any) must match each differing line the entry accepts, written
# "SIDE: value", SIDE being ocirt or the reference (e.g. '^(runc|crun): HOME=').
# A known-bugs entry that accepted nothing for a case this script ran is
# reported as a TODO: the bug is fixed, delete the line.
#
# By hand: DIFF_ONLY=REGEX runs only the cases whose name matches; DIFF_KEEP=DIR
# keeps every run (bundle, stdout, stderr, v.ASPECT) in DIR.
#
# When the exit status differs, the other aspects of that pair are not compared
# (one line per refusal); the runtimes' stderr is shown instead.

# shellcheck source=../lib/common.sh
. "$OCIRT_TESTS/lib/common.sh"

DIFF_DIR=$OCIRT_TESTS/diff
DIFF_ALL_ASPECTS="exit stdout stderr status mountinfo cgroup dev net env host"
DIFF_PASS=$OCIRT_AS
DIFF_ROOTFS=$OCIRT_ROOTFS
_d_work=$_t_dir/diff
mkdir -p "$_d_work"
chmod 0755 "$_d_work"

# The usual base config for the pass, and a jq filter that widens a rootless
# mapping to the caller's subordinate range (uid and gid 1000 exist inside).
# shellcheck disable=SC2034 # used by the case scripts
if is_root; then
        DIFF_BASE=runc
        DIFF_WIDE=.
else
        DIFF_BASE=runc-rootless
        read -r _d_su _d_sn < <(awk -F: -v u="$(id -un)" '$1 == u { print $2, $3; exit }' /etc/subuid)
        read -r _d_sg _d_gn < <(awk -F: -v u="$(id -un)" '$1 == u { print $2, $3; exit }' /etc/subgid)
        DIFF_WIDE=".linux.uidMappings = [{containerID: 0, hostID: \$uid, size: 1}, {containerID: 1, hostID: ${_d_su:-0}, size: ${_d_sn:-0}}]
              | .linux.gidMappings = [{containerID: 0, hostID: \$gid, size: 1}, {containerID: 1, hostID: ${_d_sg:-0}, size: ${_d_gn:-0}}]"
fi

# The test rootfs is shared by every test: no case may leave anything in it
# (a case that needs to change it uses --private-rootfs). Checked in diff_done.
find "$DIFF_ROOTFS" -maxdepth 2 2>/dev/null | sort >"$_d_work/rootfs-before"

# ---- the runtimes -----------------------------------------------------------

DIFF_REFS=()
_d_runc=$(command -v runc 2>/dev/null)
_d_crun=$(command -v crun 2>/dev/null)
if [ -n "$_d_runc" ]; then
        DIFF_REFS+=(runc)
else
        _d_skip_runc="runc is not installed"
fi
if [ -z "$_d_crun" ]; then
        _d_skip_crun="crun is not installed"
elif ! is_root; then
        # crun 1.8 refuses a hybrid host ("cgroups in hybrid mode not supported");
        # only root can unmount the v2 tree in a private mount namespace.
        if grep -q ' /sys/fs/cgroup/unified ' /proc/self/mountinfo; then
                _d_skip_crun="crun refuses this hybrid cgroup host and an unprivileged user cannot unmount /sys/fs/cgroup/unified"
        else
                DIFF_REFS+=(crun)
        fi
else
        DIFF_REFS+=(crun)
fi

# _d_exec RT STATEDIR BUNDLE ID PRIVATE_MNTNS RUNARGS...: RT run ... ID, under a timeout.
_d_exec() {
        local rt=$1 state=$2 bundle=$3 id=$4 priv=$5
        shift 5
        local -a wrap=()
        if [ "$priv" = 1 ] || { [ "$rt" = crun ] && is_root; }; then
                wrap=(unshare -m --propagation private sh -c
                        'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh)
        fi
        local bin
        case $rt in
        ocirt) bin=$OCIRT_BIN ;;
        runc) bin=$_d_runc ;;
        crun) bin=$_d_crun ;;
        esac
        timeout -k 2 20 "${wrap[@]}" "$bin" --root "$state" run --bundle "$bundle" "$@" "$id"
}

# ---- the collector: what the container sees --------------------------------
# Busybox sh. Sections start with '@@NAME'. $1 is the case's command.
# shellcheck disable=SC2016 # expanded inside the container
_d_collector='exec 2>&1
echo @@status
grep -E "^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
echo @@mountinfo
cat /proc/self/mountinfo
echo @@cgroup
cat /proc/self/cgroup
for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.shares devices/devices.list; do
        # Sorted: the order of devices.list is the order the rules were written in, which means nothing.
        if [ -e /sys/fs/cgroup/$f ]; then echo "$f: $(cat /sys/fs/cgroup/$f 2>&1 | sort | tr "\n" " ")"; else echo "$f: absent"; fi
done
for c in memory pids cpu devices; do
        n=none
        for d in /sys/fs/cgroup/$c/*/; do [ -d "$d" ] && n=some; done
        echo "$c: subdirectories: $n"
done
echo @@dev
find /dev -maxdepth 2 | sort | while read -r f; do stat -c "%N %F %a %u:%g %t:%T" "$f"; done
echo @@net
ip -o link
echo @@env
env | sort
echo @@stdout
(eval "$1")
rc=$?
exit $rc'

# ---- one run ----------------------------------------------------------------

# _d_host_state ID BUNDLE STATEDIR: what the host keeps that concerns this run.
_d_host_state() {
        local id=$1 bundle=$2 state=$3 line
        local -a f
        find /sys/fs/cgroup -maxdepth 6 -type d -name "*$id*" -printf 'cgroup %p\n' 2>/dev/null
        while read -r -a f; do
                [[ ${f[4]} == *"$bundle"* || ${f[4]} == *"$id"* ]] && echo "mount ${f[4]}"
        done </proc/self/mountinfo
        find "$state" "$bundle" -mindepth 1 \( -path "$bundle/rootfs" -o -path "$state/*/*" \) -prune \
                -o -printf 'file %p\n' 2>/dev/null | sort
}
# _d_run CASEDIR RT: run the case's bundle under RT; results in CASEDIR/RT/.
_d_run() {
        local cdir=$1 rt=$2 out rc id bundle state hpid=0 holder_pid=""
        out=$cdir/$rt
        bundle=$out/bundle
        state=$out/state
        mkdir -p "$bundle" "$state"
        chmod 0755 "$out" "$bundle"
        # Unique across helpers and passes: the default cgroup may be shared.
        id="df${DIFF_PASS:0:1}$$-${cdir##*/}-$rt"
        echo "$id" >"$out/id"
        if [ "${_c_private_rootfs:-0}" = 1 ]; then
                cp -a "$DIFF_ROOTFS" "$bundle/rootfs"
        fi
        if [ -n "${_c_setup:-}" ]; then
                (cd "$bundle" && sh -c "$_c_setup") >"$out/setup.log" 2>&1 ||
                        echo "setup failed: $(cat "$out/setup.log")" >>"$out/harness-errors"
        fi
        if [ -n "${_c_holder:-}" ]; then
                # shellcheck disable=SC2086 # a command line on purpose
                setsid $_c_holder </dev/null >/dev/null 2>&1 &
                holder_pid=$!
                hpid=$holder_pid
                # Let it enter its namespaces (unshare execs the command in place).
                wait_until 5 sh -c "[ \"\$(readlink /proc/$hpid/exe)\" != \"\$(readlink -f \"\$(command -v unshare)\")\" ]"
        fi
        local rootfs_path=$DIFF_ROOTFS
        [ "${_c_private_rootfs:-0}" = 1 ] && rootfs_path=rootfs
        local -a args
        if [ ${#_c_argv[@]} -gt 0 ]; then
                args=("${_c_argv[@]}")
        elif [ "${_c_raw:-0}" = 1 ]; then
                args=(/bin/sh -c "$_c_cmd")
        else
                args=(/bin/sh -c "$_d_collector" collector "$_c_cmd")
        fi
        # The args go in as --arg a0 ... (jq would take a "-c" after --args as its own option).
        local -a jargs=()
        local i list=""
        for i in "${!args[@]}"; do
                jargs+=(--arg "a$i" "${args[$i]}")
                list+="${list:+, }\$a$i"
        done
        if ! jq --arg id "$id" --arg bundle "$bundle" --arg rootfs "$DIFF_ROOTFS" \
                --arg hpid "$hpid" --argjson uid "$(id -u)" --argjson gid "$(id -g)" \
                --arg rootpath "$rootfs_path" "${_c_jq_args[@]}" "${jargs[@]}" \
                ".ociVersion = \"1.0.2\" | .root.path = \$rootpath | .process.terminal = false
                 | ($_c_jq) | .process.args = [$list]" \
                "$_d_work/base-$_c_base.json" >"$bundle/config.json" 2>"$out/jq.err"; then
                echo "jq filter failed: $(cat "$out/jq.err")" >>"$out/harness-errors"
        fi
        chmod 0644 "$bundle/config.json"
        _d_host_state "$id" "$bundle" "$state" >"$out/host-before"
        local t0=$SECONDS
        # stdin is an empty file of ours, never the host's /dev/null: crun 1.8.1 chowns the
        # container's stdio to the container's root, and with a user namespace that made the host's
        # /dev/null 200000:200000 (ocirt and runc leave a character device alone).
        : >"$out/stdin"
        _d_exec "$rt" "$state" "$bundle" "$id" "${_c_private_mntns:-0}" "${_c_run_args[@]}" \
                <"$out/stdin" >"$out/stdout" 2>"$out/stderr"
        rc=$?
        echo "$((SECONDS - t0))" >"$out/seconds"
        echo "exit=$rc" >"$out/exit"
        if [ -n "$holder_pid" ]; then
                kill -KILL "$holder_pid" 2>/dev/null
                wait "$holder_pid" 2>/dev/null
        fi
        # What the run left, compared with what was there before it.
        _d_host_state "$id" "$bundle" "$state" >"$out/host-after"
        comm -13 <(sort "$out/host-before") <(sort "$out/host-after") >"$out/host"
        # Tidy up after any runtime, so that one case cannot disturb the next.
        _d_tidy "$rt" "$state" "$bundle" "$id" "$out/host-after"
        [ -z "$_c_teardown" ] || ID=$id sh -c "$_c_teardown" >/dev/null 2>&1
}

_d_tidy() {
        local rt=$1 state=$2 bundle=$3 id=$4 host=$5 line i
        local -a f m=() cg=()
        local -a left=("$state"/*)
        if [ -e "${left[0]}" ]; then
                case $rt in
                ocirt) "$OCIRT_BIN" --root "$state" delete -f "$id" ;;
                runc) "$_d_runc" --root "$state" delete -f "$id" ;;
                crun) unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh \
                        "$_d_crun" --root "$state" delete -f "$id" ;;
                esac >/dev/null 2>&1
        fi
        # Mounts below the bundle, then the id's cgroups, deepest (listed last) first.
        while read -r -a f; do
                [[ ${f[4]} == "$bundle"/* ]] && m=("${f[4]}" "${m[@]}")
        done </proc/self/mountinfo
        for line in "${m[@]}"; do umount -l "$line" 2>/dev/null; done
        while read -r line; do
                [[ $line == "cgroup "* ]] && cg=("${line#cgroup }" "${cg[@]}")
        done <"$host"
        for i in "${cg[@]}"; do rmdir "$i" 2>/dev/null; done
}
# _d_split CASEDIR RT: write CASEDIR/RT/v.ASPECT, the normalised value of each
# aspect (few processes: the host is shared and often loaded).
_d_split() {
        local out=$1/$2 id bundle
        id=$(<"$out/id")
        bundle=$out/bundle
        # One awk: the collector's sections (or the raw stdout), exit, stderr and
        # host, mountinfo and net normalised (mount ids, devices, roots and sources dropped;
        # propagation without peer group numbers), each to v.ASPECT.
        awk -v d="$out/v." -v raw="${_c_raw:-0}" -v so="$out/stdout" '
                FNR == 1 { f = ""; base = FILENAME; sub(/.*\//, "", base) }
                base != "stdout" { print >(d base); next }
                raw == 1 { print >(d "stdout"); next }
                /^@@[a-z]+$/ { f = substr($0, 3); printf "" >(d f); next }
                f == "mountinfo" && NF >= 10 {
                        prop = ""; i = 7
                        while (i < NF && $i != "-") {
                                g = $i; sub(/:.*/, "", g)
                                if (g == "master") g = "slave"
                                if (g != "propagate_from") prop = prop (prop == "" ? "" : "+") g
                                i++
                        }
                        if (prop == "") prop = "private"
                        print $5, $(i + 1), $6, prop, $(i + 3) | ("sort >" d "mountinfo")
                        next
                }
                f == "net" {
                        line = $0
                        if (match(line, /^[0-9]+: /)) line = substr(line, RLENGTH + 1)
                        sub(/@[^:]*:/, ":", line); sub(/: /, " ", line)
                        sub(/ qlen .*/, "", line); sub(/\\.*/, "", line); sub(/ state [A-Z]+/, "", line)
                        print line | ("sort >" d "net")
                        next
                }
                f != "" { print >(d f) }
        ' "$out/stdout" "$out/exit" "$out/stderr" "$out/host"
        local a
        for a in $DIFF_ALL_ASPECTS; do [ -e "$out/v.$a" ] || : >"$out/v.$a"; done
        sed -i -e "s|$out/state|STATE|g" -e "s|$bundle|BUNDLE|g" -e "s|$DIFF_ROOTFS|ROOTFS|g" -e "s|$id|ID|g" "$out"/v.*
}
# ---- the lists of accepted differences --------------------------------------
# Read once: E_FILE E_LINE E_CASE E_ASPECT E_REF E_PASS E_RE E_ISSUE.
E_FILE=() E_LINE=() E_CASE=() E_ASPECT=() E_REF=() E_PASS=() E_RE=() E_ISSUE=()
_d_load() {
        local file=$1 n=0 line c a r p issue re
        while IFS= read -r line || [ -n "$line" ]; do
                n=$((n + 1))
                [[ $line == *[![:space:]]* && $line != "#"* ]] || continue
                line=${line%% # *}
                read -r c a r p issue re <<<"$line"
                [ -n "$re" ] || continue
                re=${re%"${re##*[![:space:]]}"}
                E_FILE+=("$file") E_LINE+=("$n") E_CASE+=("$c") E_ASPECT+=("$a") E_REF+=("$r")
                E_PASS+=("$p") E_RE+=("$re") E_ISSUE+=("$issue")
        done <"$DIFF_DIR/$file"
}
_d_load expected
_d_load known-bugs
E_USED=()

# _d_candidates CASE ASPECT REF: set CAND to the indices of the entries (expected
# first, then known-bugs) that apply to this case, aspect, reference and pass.
_d_candidates() {
        local c=$1 a=$2 r=$3 i kind
        CAND=()
        for kind in expected known-bugs; do
                for i in "${!E_FILE[@]}"; do
                        [ "${E_FILE[$i]}" = "$kind" ] || continue
                        # shellcheck disable=SC2053 # globs on purpose
                        [[ $c == ${E_CASE[$i]} && $a == ${E_ASPECT[$i]} && $r == ${E_REF[$i]} && $DIFF_PASS == ${E_PASS[$i]} ]] &&
                                CAND+=("$i")
                done
        done
}

# _d_covered LINE: set HIT to the first candidate entry that accepts the differing LINE.
_d_covered() {
        local line=$1 i
        for i in "${CAND[@]}"; do
                if [ "${E_RE[$i]}" = - ] || [[ $line =~ ${E_RE[$i]} ]]; then
                        HIT=$i
                        E_USED[i]=1
                        return 0
                fi
        done
        return 1
}

# _d_judge CASEDIR NAME ASPECT REF...: one TAP test, ocirt against each REF.
_d_judge() {
        local cdir=$1 name=$2 aspect=$3 line bugs="" d ref all="" refs=""
        local -a uncovered=() shown=()
        shift 3
        for ref in "$@"; do
                refs+="${refs:+, }$ref"
                d=$(diff --unchanged-line-format= --old-line-format='ocirt: %L' --new-line-format="$ref: %L" \
                        "$cdir/ocirt/v.$aspect" "$cdir/$ref/v.$aspect")
                [ -n "$d" ] || continue
                all+="${all:+$'\n'}$d"
                _d_candidates "$name" "$aspect" "$ref"
                while IFS= read -r line; do
                        if _d_covered "$line"; then
                                [ "${E_FILE[$HIT]}" = expected ] ||
                                        [[ " $bugs " == *" ${E_ISSUE[$HIT]} "* ]] || bugs+="${bugs:+ }${E_ISSUE[$HIT]}"
                        else
                                uncovered+=("$line")
                                [[ " ${shown[*]} " == *" $ref "* ]] || shown+=("$ref")
                        fi
                done <<<"$d"
        done
        local desc="$name $aspect: ocirt = $refs"
        if [ ${#uncovered[@]} -gt 0 ]; then
                fail "$desc" "lines no entry of tests/diff/expected or known-bugs accepts:" "${uncovered[@]}"
                if [ "$aspect" = exit ]; then
                        for ref in ocirt "${shown[@]}"; do
                                diag "$ref's stderr: $(head -c 600 "$cdir/$ref/stderr")"
                        done
                fi
        elif [ -n "$bugs" ]; then
                echo "not ok $((_t_n + 1)) $desc # TODO known bug, issue $bugs"
                _t_n=$((_t_n + 1))
                _t_lines "#   " "$all"
        elif [ -n "$all" ]; then
                ok "$desc (deliberate differences, tests/diff/expected)"
        else
                ok "$desc"
        fi
}


# ---- cases ------------------------------------------------------------------

_d_base() { # NAME: make $_d_work/base-NAME.json once
        local name=$1 file=$_d_work/base-$1.json dir
        [ -s "$file" ] && return 0
        dir=$(mktemp -d "$_d_work/spec.XXXXXX")
        case $name in
        runc) (cd "$dir" && "$_d_runc" spec) ;;
        runc-rootless) (cd "$dir" && "$_d_runc" spec --rootless) ;;
        ocirt) (cd "$dir" && "$OCIRT_BIN" spec) ;;
        ocirt-rootless) (cd "$dir" && "$OCIRT_BIN" spec --rootless) ;;
        *) echo "unknown base '$name'" >&2 ;;
        esac >/dev/null 2>"$dir/err" && cp "$dir/config.json" "$file"
        rm -rf "$dir"
        [ -s "$file" ]
}

dcase() {
        local name=$1
        shift
        _c_base=runc _c_jq=. _c_cmd=true _c_raw=0 _c_setup="" _c_holder=""
        _c_private_rootfs=0 _c_private_mntns=0 _c_run_args=() _c_jq_args=() _c_teardown="" _c_argv=()
        local aspects=$DIFF_ALL_ASPECTS pass=both
        while [ $# -gt 0 ]; do
                case $1 in
                --base) _c_base=$2 && shift ;;
                --jq) _c_jq=$2 && shift ;;
                --cmd) _c_cmd=$2 && shift ;;
                --aspects) aspects=${2//,/ } && shift ;;
                --pass) pass=$2 && shift ;;
                --raw) _c_raw=1 ;;
                --argv) read -r -a _c_argv <<<"$2" && _c_raw=1 && shift ;;
                --setup) _c_setup=$2 && shift ;;
                --holder) _c_holder=$2 && shift ;;
                --private-rootfs) _c_private_rootfs=1 ;;
                --private-mntns) _c_private_mntns=1 ;;
                --run-arg) _c_run_args+=("$2") && shift ;;
                --jq-args) read -r -a _c_jq_args <<<"$2" && shift ;;
                --teardown) _c_teardown=$2 && shift ;;
                *)
                        fail "$name: unknown dcase option '$1'"
                        return 1
                        ;;
                esac
                shift
        done
        [ "$pass" = both ] || [ "$pass" = "$DIFF_PASS" ] || return 0
        [ -z "${DIFF_ONLY:-}" ] || [[ $name =~ $DIFF_ONLY ]] || return 0
        [ "$_c_raw" = 0 ] || aspects=$(tr ' ' '\n' <<<"$aspects" | grep -xE 'exit|stdout|stderr|host' | tr '\n' ' ')
        if [ "$_c_private_mntns" = 1 ] && ! is_root; then
                skip "$name" "a private mount namespace needs root"
                return 0
        fi
        case $_c_base in runc*) if [ -z "$_d_runc" ]; then
                skip "$name" "its base config comes from 'runc spec': $_d_skip_runc"
                return 0
        fi ;;
        esac
        if ! _d_base "$_c_base"; then
                fail "$name: cannot make the base config '$_c_base'"
                return 1
        fi
        local cdir=$_d_work/$name rt ref aspect
        mkdir -p "$cdir"
        # The runtimes run side by side (their ids, state and bundles are
        # their own): a case costs the slowest run, not the sum.
        for rt in ocirt "${DIFF_REFS[@]}"; do
                { _d_run "$cdir" "$rt" && _d_split "$cdir" "$rt"; } &
        done
        wait
        if [ -s "$cdir/ocirt/harness-errors" ]; then
                fail "$name: the harness could not set the case up" "$(cat "$cdir/ocirt/harness-errors")"
                return 1
        fi
        local -a refs
        for aspect in $aspects; do
                refs=()
                for ref in "${DIFF_REFS[@]}"; do
                        # One line per refusal: when the exit status differs, the exit test says it.
                        [ "$aspect" = exit ] || [ "$(<"$cdir/ocirt/exit")" = "$(<"$cdir/$ref/exit")" ] || continue
                        # Both complain: the words are each runtime's own.
                        [ "$aspect" = stderr ] && [ -s "$cdir/ocirt/v.stderr" ] && [ -s "$cdir/$ref/v.stderr" ] && continue
                        refs+=("$ref")
                done
                [ ${#refs[@]} -eq 0 ] || _d_judge "$cdir" "$name" "$aspect" "${refs[@]}"
        done
}

# diff_done: report stale known-bug entries, skipped references, then the plan.
diff_done() {
        local i dir used
        [ -n "${_d_skip_runc:-}" ] && skip "runc as a reference" "$_d_skip_runc"
        [ -n "${_d_skip_crun:-}" ] && skip "crun as a reference" "$_d_skip_crun"
        # An entry for a case this script ran, in this pass, that accepted nothing:
        # the bug is fixed (or the case changed), so the line should go.
        for i in "${!E_FILE[@]}"; do
                [ "${E_FILE[$i]}" = known-bugs ] || continue
                [ -z "${E_USED[$i]:-}" ] || continue
                # shellcheck disable=SC2053 # globs on purpose
                [[ $DIFF_PASS == ${E_PASS[$i]} ]] || continue
                # '*' entries (HOME, lo, ...) need not apply to every script's cases.
                [ "${E_CASE[$i]}" != "*" ] || continue
                used=0
                for dir in "${DIFF_REFS[@]}"; do
                        # shellcheck disable=SC2053 # globs on purpose
                        [[ $dir == ${E_REF[$i]} ]] && used=1
                done
                [ $used = 1 ] || continue # an entry about a reference that did not run
                used=0
                for dir in "$_d_work"/*/ocirt; do
                        dir=${dir%/ocirt}
                        # shellcheck disable=SC2053 # globs on purpose
                        [[ ${dir##*/} == ${E_CASE[$i]} ]] && used=1
                done
                [ $used = 1 ] || continue
                echo "not ok $((_t_n + 1)) tests/diff/known-bugs line ${E_LINE[$i]} (${E_CASE[$i]} ${E_ASPECT[$i]} ${E_REF[$i]}, issue ${E_ISSUE[$i]}) accepted nothing: delete it? # TODO stale entry"
                _t_n=$((_t_n + 1))
        done
        local changed
        changed=$(find "$DIFF_ROOTFS" -maxdepth 2 2>/dev/null | sort | diff "$_d_work/rootfs-before" -)
        if [ -z "$changed" ]; then
                ok "the shared rootfs is unchanged"
        else
                fail "the shared rootfs is unchanged" "a case changed $DIFF_ROOTFS (use --private-rootfs):" "$changed"
        fi
        if [ -n "${DIFF_KEEP:-}" ]; then
                mkdir -p "$DIFF_KEEP" && cp -a "$_d_work"/. "$DIFF_KEEP"/ && diag "kept the runs in $DIFF_KEEP"
        fi
        done_testing
}
