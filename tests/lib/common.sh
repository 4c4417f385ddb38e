# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/common.sh: sourced by every tests/integration/*.sh and tests/cve/*.sh.
#
# Environment (set by tests/run; a script can be run by hand with them set):
#   OCIRT_BIN         absolute path of the ocirt binary
#   OCIRT_ROOTFS      busybox rootfs with /usr/bin/probe (tests/lib/mkrootfs.sh)
#   OCIRT_TESTS       the tests/ directory (this file is $OCIRT_TESTS/lib/common.sh)
#   OCIRT_SCHEMA_DIR  the OCI runtime spec JSON schemas (may be empty)
#   OCIRT_EXAMPLE     the libocirt embedding example program
#   OCIRT_AS          root | user
#   OCIRT_TEST_USER   the unprivileged test user's name
#
# API:
#   STATE_ROOT                 a private state dir; `oc ARGS...` = "$OCIRT_BIN" --root "$STATE_ROOT" ARGS...
#   new_bundle                 echo the path of a fresh bundle (rootfs = $OCIRT_ROOTFS, read-only,
#                              terminal false, args ["/usr/bin/probe","ids"])
#   cfg BUNDLE FILTER [JQARGS] edit BUNDLE/config.json in place with jq
#   args BUNDLE ARG...         set process.args
#   ok DESC | fail DESC [DIAG...] | skip DESC REASON | diag TEXT
#   check DESC CMD...          ok if CMD exits 0, else fail with its output
#   check_eq DESC EXPECTED ACTUAL | check_contains DESC NEEDLE HAYSTACK
#   done_testing               print the plan; exit 1 if anything failed
#   is_root | need CMD REASON | skip_all REASON
#   kv KEY TEXT                the value of the first "KEY=value" line of TEXT (probe output)
#   wait_until SECONDS CMD...  poll CMD every 0.1 s until it succeeds; 1 on timeout
# At exit every container left in STATE_ROOT is force-deleted and the temp dirs go.
#
# The TAP functions keep their counters in this shell: do not call them in a
# subshell such as $(...) or a pipeline.

: "${OCIRT_BIN:?OCIRT_BIN must be the absolute path of the ocirt binary (tests/run sets it)}"
: "${OCIRT_ROOTFS:?OCIRT_ROOTFS must be a rootfs with /usr/bin/probe (tests/lib/mkrootfs.sh)}"
: "${OCIRT_TESTS:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${OCIRT_SCHEMA_DIR:=}"
: "${OCIRT_EXAMPLE:=}"
: "${OCIRT_TEST_USER:=ocirt-test}"
if [ -z "${OCIRT_AS:-}" ]; then
        if [ "$(id -u)" = 0 ]; then OCIRT_AS=root; else OCIRT_AS=user; fi
fi
export OCIRT_BIN OCIRT_ROOTFS OCIRT_TESTS OCIRT_SCHEMA_DIR OCIRT_EXAMPLE OCIRT_AS OCIRT_TEST_USER

_t_n=0
_t_failed=0
_t_planned=0

_t_dir=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-test.XXXXXX") || {
        echo "Bail out! mktemp failed"
        exit 1
}
# Readable by every uid a container may run as (a non-root process user in a
# root or multi-range rootless container reaches bind-mounted bundle files).
chmod 0755 "$_t_dir"
STATE_ROOT=$(mktemp -d "$_t_dir/state.XXXXXX")

oc() {
        "$OCIRT_BIN" --root "$STATE_ROOT" "$@"
}

is_root() {
        [ "$(id -u)" = 0 ]
}

# ---- TAP ----------------------------------------------------------------

_t_lines() { # PREFIX TEXT...: each line of each TEXT, prefixed
        local prefix=$1 line text
        shift
        for text in "$@"; do
                while IFS= read -r line; do
                        echo "$prefix$line"
                done <<<"$text"
        done
}

diag() {
        _t_lines "# " "$*"
}

ok() {
        _t_n=$((_t_n + 1))
        echo "ok $_t_n $*"
}

fail() {
        local desc=$1
        shift
        _t_n=$((_t_n + 1))
        _t_failed=$((_t_failed + 1))
        echo "not ok $_t_n $desc"
        [ $# -eq 0 ] || _t_lines "#   " "$@"
}

skip() {
        local desc=$1 reason=${2:-no reason given}
        _t_n=$((_t_n + 1))
        echo "ok $_t_n $desc # SKIP $reason"
}

check() {
        local desc=$1 out rc
        shift
        out=$("$@" 2>&1)
        rc=$?
        if [ $rc -eq 0 ]; then
                ok "$desc"
        else
                fail "$desc" "command: $*" "exit status: $rc" ${out:+"output:"} ${out:+"$out"}
        fi
        return $rc
}

check_eq() {
        local desc=$1 expected=$2 actual=$3
        if [ "$expected" = "$actual" ]; then
                ok "$desc"
        else
                fail "$desc" "expected: '$expected'" "actual:   '$actual'"
                return 1
        fi
}

check_contains() {
        local desc=$1 needle=$2 haystack=$3
        if [[ $haystack == *"$needle"* ]]; then
                ok "$desc"
        else
                fail "$desc" "expected to contain: '$needle'" "in:" "$haystack"
                return 1
        fi
}

done_testing() {
        _t_planned=1
        echo "1..$_t_n"
        [ $_t_failed -eq 0 ] || exit 1
        exit 0
}

skip_all() {
        if [ $_t_n -eq 0 ]; then
                _t_planned=1
                echo "1..0 # SKIP $*"
                exit 0
        fi
        skip "remaining tests" "$*"
        done_testing
}

need() {
        command -v "$1" >/dev/null 2>&1 || skip_all "${2:-$1 not found}"
}

kv() { # KEY TEXT
        local line
        while IFS= read -r line; do
                if [[ $line == "$1="* ]]; then
                        echo "${line#"$1="}"
                        return 0
                fi
        done <<<"$2"
        return 1
}

wait_until() { # SECONDS CMD...
        local tries=$(($1 * 10))
        shift
        while ! "$@" >/dev/null 2>&1; do
                tries=$((tries - 1))
                [ $tries -gt 0 ] || return 1
                sleep 0.1
        done
}

# ---- bundles -------------------------------------------------------------

cfg() { # BUNDLE FILTER [jq args...]
        local b=$1 filter=$2 tmp
        shift 2
        tmp=$(mktemp "$b/.config.json.XXXXXX") || return 1
        if jq "$@" "$filter" "$b/config.json" >"$tmp"; then
                chmod 0644 "$tmp"
                mv -f "$tmp" "$b/config.json"
        else
                echo "cfg: jq failed on $b/config.json with filter: $filter" >&2
                rm -f "$tmp"
                return 1
        fi
}

args() { # BUNDLE ARG...: set process.args (safe for args that start with '-')
        local b=$1 i=0 list="" a
        local -a jqargs=()
        shift
        for a in "$@"; do
                jqargs+=(--arg "a$i" "$a")
                list+="${list:+,}\$a$i"
                i=$((i + 1))
        done
        cfg "$b" ".process.args = [$list]" "${jqargs[@]}"
}

# A config equivalent to `ocirt spec [--rootless]`, for when ocirt cannot
# produce one (yet). Prints JSON.
_t_fallback_spec() {
        local rootless=$1
        jq -n --argjson rootless "$rootless" --argjson uid "$(id -u)" --argjson gid "$(id -g)" '
        {
          ociVersion: "1.2.0",
          process: {
            terminal: false,
            user: { uid: 0, gid: 0 },
            args: ["sh"],
            env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
            cwd: "/",
            capabilities: (["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"] as $c
              | { bounding: $c, effective: $c, permitted: $c }),
            rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }],
            noNewPrivileges: true
          },
          root: { path: "rootfs", readonly: true },
          hostname: "ocirt",
          mounts: [
            { destination: "/proc", type: "proc", source: "proc" },
            { destination: "/dev", type: "tmpfs", source: "tmpfs",
              options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
            { destination: "/dev/pts", type: "devpts", source: "devpts",
              options: (["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]
                        + (if $rootless then [] else ["gid=5"] end)) },
            { destination: "/dev/shm", type: "tmpfs", source: "shm",
              options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
            { destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
              options: ["nosuid", "noexec", "nodev"] },
            (if $rootless then
              { destination: "/sys", type: "none", source: "/sys",
                options: ["rbind", "nosuid", "noexec", "nodev", "ro"] }
            else
              { destination: "/sys", type: "sysfs", source: "sysfs",
                options: ["nosuid", "noexec", "nodev", "ro"] }
            end),
            { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
              options: ["nosuid", "noexec", "nodev", "relatime", "ro"] }
          ] | (if $rootless then map(select(.destination != "/sys/fs/cgroup")) else . end),
          linux: ({
            namespaces: ([{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }]
                         + (if $rootless then [{ type: "user" }] else [{ type: "network" }] end)),
            maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                          "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
            readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
          } + (if $rootless then {
            uidMappings: [{ containerID: 0, hostID: $uid, size: 1 }],
            gidMappings: [{ containerID: 0, hostID: $gid, size: 1 }]
          } else {
            resources: { devices: [{ allow: false, access: "rwm" }] }
          } end))
        }'
}

new_bundle() {
        local b template="$_t_dir/.spec-template.json"
        local -a spec_args=()
        b=$(mktemp -d "$_t_dir/bundle.XXXXXX") || return 1
        chmod 0755 "$b"
        is_root || spec_args=(--rootless)
        # One `ocirt spec` per script: the template is cached in the temp dir.
        if [ ! -s "$template" ]; then
                if (cd "$b" && "$OCIRT_BIN" spec "${spec_args[@]}") >/dev/null 2>&1 &&
                        jq -e '.process and .root and .linux' "$b/config.json" >/dev/null 2>&1; then
                        cp "$b/config.json" "$template"
                else
                        # stderr: new_bundle runs inside $(...), and stdout is the bundle path.
                        echo "note: 'ocirt spec${spec_args[*]:+ ${spec_args[*]}}' gave no usable config.json; using the built-in equivalent" >&2
                        _t_fallback_spec "$(is_root && echo false || echo true)" >"$template" || return 1
                fi
        fi
        cp "$template" "$b/config.json"
        chmod 0644 "$b/config.json"
        cfg "$b" '.root.path = $rootfs | .root.readonly = true | .process.terminal = false
                  | .process.args = ["/usr/bin/probe", "ids"]' --arg rootfs "$OCIRT_ROOTFS" || return 1
        echo "$b"
}

# ---- cleanup -------------------------------------------------------------

# Mount points at or below DIR in this mount namespace, deepest first.
_t_mounts_below() {
        local dir=$1
        awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo 2>/dev/null |
                awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2-
}

_t_cleanup() {
        local rc=$? id pid ids
        trap - EXIT INT TERM HUP
        if [ -n "${STATE_ROOT:-}" ] && [ -d "$STATE_ROOT" ]; then
                # What ocirt lists, plus any state dir it may not list (half-created).
                ids=$(
                        { oc list -q 2>/dev/null; ls -1 "$STATE_ROOT" 2>/dev/null; } | sort -u
                )
                for id in $ids; do
                        [ -d "$STATE_ROOT/$id" ] || oc state "$id" >/dev/null 2>&1 || continue
                        if ! oc delete -f "$id" >/dev/null 2>&1; then
                                # ocirt could not delete it: kill what it started, by its recorded pid.
                                pid=$(oc state "$id" 2>/dev/null | jq -r '.pid // empty' 2>/dev/null)
                                if [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null; then
                                        kill -KILL "$pid" 2>/dev/null
                                fi
                                echo "# cleanup: 'ocirt delete -f $id' failed" >&2
                        fi
                done
        fi
        if [ -n "${_t_dir:-}" ] && [ -d "$_t_dir" ]; then
                local m left=""
                for m in $(_t_mounts_below "$_t_dir"); do
                        umount -l "$m" 2>/dev/null || left+=" $m"
                done
                if [ -n "$left" ]; then
                        # rm -rf would walk into the mounted trees and delete their sources.
                        echo "# cleanup: mounts left below $_t_dir:$left; not removing it" >&2
                else
                        rm -rf "$_t_dir" 2>/dev/null || chmod -R u+rwX "$_t_dir" 2>/dev/null
                        rm -rf "$_t_dir" 2>/dev/null
                fi
        fi
        if [ $_t_planned -eq 0 ] && [ $_t_n -gt 0 ] && [ $rc -eq 0 ]; then
                echo "# script ended without done_testing" >&2
                rc=1
        fi
        exit $rc
}
trap _t_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
