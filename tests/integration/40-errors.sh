#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 40-errors.sh: bad configs are refused with the JSON path that is wrong, bad container ids are
# refused, and a failure, early or in the middle of create, leaves nothing behind: no state dir,
# no mount, no process.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it40-$$

# procs_with NEEDLE: pids of processes whose command line contains NEEDLE. The runtime and its
# not-yet-exec'd children carry the container id in their command line, and the container's args
# carry it too (see below), so this finds any leftover of a container.
procs_with() {
        # The glob is expanded here, before grep exists, so grep (whose own command line holds the
        # needle) is not among the files.
        local files=(/proc/[0-9]*/cmdline)
        grep -lF -- "$1" "${files[@]}" 2>/dev/null | cut -d/ -f3 | while read -r p; do
                [ "$p" != "$$" ] && alive "$p" && echo "$p"
        done
}

# nothing_left DESC ID BUNDLE: no state dir, no process, no mount of the bundle on the host.
nothing_left() {
        local desc=$1 id=$2 bundle=$3 left
        left=$(state_left)
        check_eq "$desc: no state dir left" "" "$left"
        left=$(procs_with "$id")
        check_eq "$desc: no process left" "" "$left"
        [ -z "$left" ] || diag "$(ps -o pid,ppid,stat,args -p "$(tr '\n' ',' <<<"$left" | sed 's/,$//')" 2>&1)"
        left=$(grep -F -- "$bundle" /proc/self/mountinfo)
        check_eq "$desc: no mount of the bundle left" "" "$left"
        rm_ctr "$id"
        rm -rf "${STATE_ROOT:?}/$id"
}

# says DESC TEXT NEEDLE: TEXT contains NEEDLE, or one of its '|'-separated alternatives.
says() {
        local alt
        local -a alts
        IFS='|' read -ra alts <<<"$3"
        for alt in "${alts[@]}"; do
                if grep -qiF -- "$alt" <<<"$2"; then
                        ok "$1"
                        return
                fi
        done
        fail "$1" "$2"
}

# refused DESC ID BUNDLE NEEDLE...: `run` fails, stderr says each NEEDLE (or one of its
# '|'-separated alternatives), and nothing is left.
refused() {
        local desc=$1 id=$2 bundle=$3 n
        shift 3
        r run --bundle "$bundle" "$id"
        if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && [ "$RC" -ne 137 ]; then
                ok "$desc: refused, exit status $RC"
        else
                fail "$desc: refused" "exit $RC; stdout: $OUT; stderr: $ERR"
        fi
        for n in "$@"; do
                says "$desc: the error says '$n'" "$ERR" "$n"
        done
        nothing_left "$desc" "$id" "$bundle"
}

fresh() { # fresh ID: a new bundle whose container, if it ever ran, would print its id
        local b
        b=$(new_bundle)
        args "$b" $P echo "$1"
        echo "$b"
}

# --- a duplicate namespace ---
id=$ID-dupns
b=$(fresh "$id")
cfg "$b" '.linux.namespaces += [.linux.namespaces[0]]'
refused "duplicate namespace" "$id" "$b" ".linux.namespaces[" "duplicate namespace type"
check_contains "duplicate namespace: the error names config.json" config.json "$ERR"
# The same through create.
rf "$b/create.out" create --bundle "$b" "$id"
if [ "$RC" -ne 0 ]; then ok "duplicate namespace via create: refused"; else fail "duplicate namespace via create: refused" "exit 0"; fi
check_contains "duplicate namespace via create: the error says it" "duplicate namespace type" "$ERR"
nothing_left "duplicate namespace via create" "$id" "$b"

# --- more bad configs, each naming its JSON path ---
id=$ID-ver
b=$(fresh "$id")
cfg "$b" '.ociVersion = "2.0.0"'
refused "ociVersion 2.0.0" "$id" "$b" ".ociVersion" "2.0.0"

id=$ID-cwd
b=$(fresh "$id")
cfg "$b" 'del(.process.cwd)'
refused "missing process.cwd" "$id" "$b" ".process.cwd"

id=$ID-relcwd
b=$(fresh "$id")
cfg "$b" '.process.cwd = "relative/dir"'
refused "relative process.cwd" "$id" "$b" ".process.cwd"

id=$ID-nspath
b=$(fresh "$id")
idx=$(jq '[.linux.namespaces[].type] | index("ipc")' "$b/config.json")
cfg "$b" '.linux.namespaces[$i].path = "relative/ns/ipc"' --argjson i "$idx"
refused "relative namespace path" "$id" "$b" ".linux.namespaces[$idx]"

id=$ID-rlimit
b=$(fresh "$id")
cfg "$b" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 64, "hard": 64}, {"type": "RLIMIT_FROBNICATE", "soft": 1, "hard": 1}]'
refused "unknown rlimit" "$id" "$b" ".process.rlimits[1]" "RLIMIT_FROBNICATE"

# A hard limit above the runtime's own without CAP_SYS_RESOURCE (a user; root where the bounding
# set lacks it): podman's default nproc of 1048576. The hint says what to set in containers.conf.
hard=$(ulimit -Hu)
capeff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
if [ "$hard" = unlimited ] || [ "$hard" -ge 1048576 ]; then
        skip "nproc above the hard limit" "the hard limit of nproc here is $hard"
elif (((0x$capeff >> 24) & 1)); then
        skip "nproc above the hard limit" "this shell holds CAP_SYS_RESOURCE"
else
        id=$ID-nproc
        b=$(fresh "$id")
        cfg "$b" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 64, "hard": 64}, {"type": "RLIMIT_NPROC", "soft": 1048576, "hard": 1048576}]'
        refused "nproc above the hard limit" "$id" "$b" ".process.rlimits[1]" "set RLIMIT_NPROC to 1048576/1048576" \
                "hint: raising a hard limit needs CAP_SYS_RESOURCE" "default_ulimits = [\"nproc=$hard:$hard\"] in [containers] of containers.conf" \
                "--ulimit nproc=$hard:$hard"
fi

id=$ID-args
b=$(fresh "$id")
cfg "$b" '.process.args = []'
refused "empty process.args" "$id" "$b" ".process.args"

id=$ID-json
b=$(fresh "$id")
printf '{"ociVersion": "1.3.0", "process": ' >"$b/config.json"
refused "truncated JSON" "$id" "$b" "config.json"

id=$ID-nocfg
b=$(fresh "$id")
rm -f "$b/config.json"
refused "no config.json" "$id" "$b" "config.json"

id=$ID-noroot
b=$(fresh "$id")
cfg "$b" '.root.path = "/nonexistent-ocirt-rootfs"'
refused "root.path does not exist" "$id" "$b" ".root.path|/nonexistent-ocirt-rootfs"

# --- invalid container ids ---
b=$(new_bundle)
for bad in "../x" "a/b" "" "." ".." "a b" "x:y"; do
        r run --bundle "$b" -- "$bad"
        if [ "$RC" -ne 0 ]; then ok "id '$bad': refused by run"; else fail "id '$bad': refused by run" "exit 0; stdout: $OUT"; fi
        [ -n "$ERR" ] && ok "id '$bad': an error message" || fail "id '$bad': an error message"
        rf "$b/create.out" create --bundle "$b" -- "$bad"
        if [ "$RC" -ne 0 ]; then ok "id '$bad': refused by create"; else fail "id '$bad': refused by create" "exit 0"; fi
        check_eq "id '$bad': nothing under the state root" "" "$(state_left)"
done
check "id '../x': nothing created beside the state root" test ! -e "$STATE_ROOT/../x"
r run --bundle "$b" "$(printf 'a%.0s' {1..1025})"
if [ "$RC" -ne 0 ]; then ok "an id of 1025 bytes: refused"; else fail "an id of 1025 bytes: refused"; fi
rm_ctr "$(printf 'a%.0s' {1..1025})"

# --- a failure in the middle of create leaves nothing behind ---
id=$ID-bindsrc
b=$(fresh "$id")
cfg "$b" '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-ocirt-source", "options": ["rbind"]}]'
refused "bind mount of a missing source" "$id" "$b" ".mounts[|/nonexistent-ocirt-source" "no such file or directory"
rf "$b/create.out" create --bundle "$b" "$id"
if [ "$RC" -ne 0 ]; then ok "bind mount of a missing source via create: refused"; else fail "bind mount of a missing source via create: refused" "exit 0"; fi
nothing_left "bind mount of a missing source via create" "$id" "$b"

exe_missing() { # DESC
        says "$1: says the executable is not found" "$ERR" "no such file or directory|executable file not found"
}
id=$ID-noexe
b=$(fresh "$id")
args "$b" /usr/bin/does-not-exist-"$id"
refused "missing executable (absolute path)" "$id" "$b" "/usr/bin/does-not-exist-$id"
exe_missing "missing executable (absolute path)"
rf "$b/create.out" create --bundle "$b" "$id"
if [ "$RC" -ne 0 ]; then
        ok "missing executable via create: refused at create"
        exe_missing "missing executable via create"
        nothing_left "missing executable via create" "$id" "$b"
else
        fail "missing executable via create: refused at create" "create exited 0, state: $(status_of "$id")"
        rm_ctr "$id"
fi

id=$ID-nopath
b=$(fresh "$id")
args "$b" does-not-exist-"$id"
refused "missing executable (PATH lookup)" "$id" "$b" "does-not-exist-$id"
exe_missing "missing executable (PATH lookup)"

# Not executable: a directory as the program.
id=$ID-direxe
b=$(fresh "$id")
args "$b" /usr/bin
refused "a directory as the executable" "$id" "$b" "/usr/bin"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
