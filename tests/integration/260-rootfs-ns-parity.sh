#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 260-rootfs-ns-parity.sh: the root and namespace settings that clients write, compared with what
# runc 1.1.5 and crun 1.8.1 do (issues 12 and 13):
# - every .linux.rootfsPropagation mount(8) knows, seen in the container's mountinfo when the
#   runtime's tree is shared (as on a systemd host), and a Kubernetes "Bidirectional" volume;
# - a mount namespace joined by path: the container lives in it;
# - no mount namespace: a chroot in the runtime's namespace that mounts nothing, `exec` enters the
#   same root, and what needs a mount is refused, naming the field;
# - the loopback interface of a new network namespace is up;
# - --no-pivot: the host's procfs is hidden, so a nested user namespace cannot mount a full /proc;
# - a namespace path of the wrong type: an error naming .linux.namespaces[N].path.
# The propagation and --no-pivot cases run in a private mount namespace of the test (unshare -m; for
# the test user unshare -rm, where it is uid 0 of a user namespace of its own, as in 230-no-pivot).
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
need unshare "unshare(1) (util-linux) makes the test's mount namespaces"
ID=rootfs260-$$
n=0

run_b() { # BUNDLE [RUN-OPTIONS...]: run it, OUT (stdout+stderr) and RC
        local b=$1
        shift
        n=$((n + 1))
        RC=0
        OUT=$(timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" run "$@" --bundle "$b" "$ID-$n" 2>&1 </dev/null) || RC=$?
        oc delete -f "$ID-$n" >/dev/null 2>&1
}

# In a mount namespace of the test's own whose tree has propagation PROP (for the test user: also
# a user namespace where it is uid 0, so the config maps 0 to 0): run BUNDLE with RUN-OPTIONS.
# No cgroups: inside unshare -rm the test user has none to write, and they are not the point here.
if is_root; then us=(unshare -m); else us=(unshare -rm); fi
run_wrapped() { # PROP BUNDLE [RUN-OPTIONS...]: OUT, RC
        local prop=$1 b=$2
        shift 2
        n=$((n + 1))
        RC=0
        # shellcheck disable=SC2016 # expanded by the inner shell
        OUT=$(timeout -k 2 30 "${us[@]}" --propagation "$prop" sh -c '
                bin=$1 st=$2 b=$3 id=$4
                shift 4
                "$bin" --cgroup-manager disabled --root "$st" run "$@" --bundle "$b" "$id"
                rc=$?
                "$bin" --root "$st" delete -f "$id" >/dev/null 2>&1
                exit $rc' sh "$OCIRT_BIN" "$STATE_ROOT/wrapped" "$b" "$ID-$n" "$@" 2>&1 </dev/null) || RC=$?
}
wrapped_bundle() { # a bundle for run_wrapped
        local b
        b=$(new_bundle)
        is_root || cfg "$b" '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]
                             | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
        echo "$b"
}
# The optional fields (shared:N, master:N, unbindable) of mount point MP in mountinfo TEXT.
propagation_of() { # MP TEXT
        awk -v mp="$1" '$5 == mp { o = ""; for (i = 7; i <= NF && $i != "-"; i++) o = o (o ? " " : "") $i; print (o ? o : "private"); exit }' <<<"$2"
}

# ---- rootfsPropagation ---------------------------------------------------------------------
# Expected, with the test's tree shared: the root (and /proc, a mount of the container's own).
# none, [r]slave, [r]private: as runc (crun leaves the root private for none/[r]slave).
# [r]shared: as crun (runc's root ends private). [r]unbindable: both refuse it (EINVAL on the
# rootfs bind); ocirt applies it to the root at the end.
b=$(wrapped_bundle)
cfg "$b" '.process.args = ["/bin/cat", "/proc/self/mountinfo"]'
for case in "none master: private" "rslave master: private" "slave master: private" \
        "rprivate private private" "private private private" \
        "rshared shared: shared:" "shared shared: private" \
        "runbindable unbindable unbindable" "unbindable unbindable private"; do
        read -r prop want_root want_proc <<<"$case"
        if [ "$prop" = none ]; then
                cfg "$b" 'del(.linux.rootfsPropagation)'
        else
                cfg "$b" '.linux.rootfsPropagation = $p' --arg p "$prop"
        fi
        run_wrapped shared "$b"
        if [ "$RC" != 0 ]; then
                fail "rootfsPropagation $prop: runs" "$OUT"
                continue
        fi
        check_contains "rootfsPropagation $prop: / is $want_root" "$want_root" "$(propagation_of / "$OUT")"
        if [ "$want_proc" = private ]; then
                check_eq "rootfsPropagation $prop: /proc keeps its own (private)" private "$(propagation_of /proc "$OUT")"
        else
                check_contains "rootfsPropagation $prop: /proc is $want_proc too" "$want_proc" "$(propagation_of /proc "$OUT")"
        fi
done
# An 'r' form in a mount's options (mount.c has them): a bind with rslave is a slave.
cfg "$b" 'del(.linux.rootfsPropagation) | .mounts += [{"destination": "/mnt", "type": "bind", "source": $s, "options": ["rbind", "rslave"]}]' --arg s "$_t_dir"
run_wrapped shared "$b"
check_contains "mount option rslave: the bind is a slave" "master:" "$(propagation_of /mnt "$OUT")"

# A Kubernetes "Bidirectional" volume (what containerd writes): rootfsPropagation rshared and an
# rbind,rshared mount; a mount the container makes below it shows in the runtime's namespace. The
# rootfs is a mount of its own there (an overlay in real life): the mount holding the rootfs is
# made private (pivot_root needs it, as in runc), which a volume on the same mount would share.
vol=$(mktemp -d "$_t_dir/vol.XXXXXX")
mkdir "$vol/sub"
b=$(wrapped_bundle)
cfg "$b" '.linux.rootfsPropagation = "rshared"
          | .mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rshared"]}]
          | .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
          | .process.args = ["/bin/sh", "-c", "mount -t tmpfs k8s-vol /vol/sub && sleep 0.2"]' --arg v "$vol"
# shellcheck disable=SC2016 # expanded by the inner shell
RC=0
OUT=$(timeout -k 2 30 "${us[@]}" --propagation shared sh -c '
        mount --bind "$6" "$6" || exit 1
        "$1" --cgroup-manager disabled --root "$2" run --bundle "$3" "$4"; rc=$?
        "$1" --root "$2" delete -f "$4" >/dev/null 2>&1
        grep " $5/sub " /proc/self/mountinfo; test -r /proc/self/mountinfo && echo runtime-proc-intact; exit $rc' sh "$OCIRT_BIN" "$STATE_ROOT/wrapped" "$b" "$ID-bidi" "$vol" "$OCIRT_ROOTFS" 2>&1 </dev/null) || RC=$?
check_eq "rshared volume: runs" 0 "$RC"
if is_root; then
        check_contains "rshared volume: the container's mount reached the runtime's namespace" "k8s-vol" "$OUT"
else
        # mount_namespaces(7): a mount namespace of a less privileged user namespace gets shared
        # mounts as slaves; no runtime can send mounts back from a user namespace.
        skip "rshared volume: the container's mount reached the runtime's namespace" \
                "the container's user namespace makes the volume a slave"
fi
# The old root is unmounted when the container starts; with a shared tree the unmounts would
# reach the runtime's namespace and take its /proc, /sys, ... with them.
check_contains "rshared: the runtime's /proc is still mounted" "runtime-proc-intact" "$OUT"

# ---- a mount namespace joined by path --------------------------------------------------------
b=$(new_bundle)
holder_ns=(unshare -m --propagation private)
is_root || holder_ns=(unshare -Urm --propagation private)
"${holder_ns[@]}" sleep 60 </dev/null >/dev/null 2>&1 &
holder=$!
wait_until 5 sh -c "[ \"\$(readlink /proc/$holder/ns/mnt)\" != \"\$(readlink /proc/self/ns/mnt)\" ]" || true
want_ns=$(readlink "/proc/$holder/ns/mnt")
cfg "$b" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)
          | .process.args = ["/bin/sh", "-c", "readlink /proc/self/ns/mnt; test -x /usr/bin/probe && echo in-rootfs"]' \
        --arg p "/proc/$holder/ns/mnt"
if ! is_root; then
        # Its mount namespace belongs to its user namespace: join that too (no mappings then).
        cfg "$b" '.linux.namespaces |= map(if .type == "user" then .path = $p else . end)
                  | del(.linux.uidMappings, .linux.gidMappings)' --arg p "/proc/$holder/ns/user"
fi
run_b "$b"
check_eq "joined mount namespace: runs" 0 "$RC" "$OUT"
check_contains "joined mount namespace: the container is in it" "$want_ns" "$OUT"
check_contains "joined mount namespace: the container sees its rootfs" "in-rootfs" "$OUT"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# ---- no mount namespace ----------------------------------------------------------------------
mounts_here() { grep -cF -- "$_t_dir" /proc/self/mountinfo; }
b=$(new_bundle)
cfg "$b" '.linux.namespaces |= map(select(.type != "mount")) | .root.readonly = false'
run_b "$b"
check_contains "no mount namespace, default mounts: refused, naming the field" ".mounts[0]" "$OUT"
check_contains "no mount namespace, default mounts: says why" "outlive the container" "$OUT"
cfg "$b" '.mounts = []'
run_b "$b"
check_contains "no mount namespace, maskedPaths: refused, naming the field" ".linux.maskedPaths" "$OUT"
cfg "$b" 'del(.linux.maskedPaths, .linux.readonlyPaths)'
before=$(mounts_here)
[ -e /usr/bin/probe ] && diag "the host has /usr/bin/probe: the chroot checks below prove less"
args "$b" /bin/sh -c 'test -x /usr/bin/probe && echo in-rootfs; test -e /proc/self && echo has-proc; echo done'
run_b "$b"
check_eq "no mount namespace: runs" 0 "$RC" "$OUT"
check_contains "no mount namespace: the process is chrooted into the rootfs" "in-rootfs" "$OUT"
check_eq "no mount namespace: nothing mounted for it (no /proc)" "in-rootfs
done" "$OUT"
check_eq "no mount namespace: nothing mounted in the runtime's namespace" "$before" "$(mounts_here)"
args "$b" /bin/sleep 30
n=$((n + 1))
if oc run -d --bundle "$b" "$ID-$n" >/dev/null 2>&1 </dev/null; then
        OUT=$(oc exec "$ID-$n" /bin/sh -c 'test -x /usr/bin/probe && echo in-rootfs; pwd' 2>&1)
        check_contains "no mount namespace: exec enters the container's root" "in-rootfs" "$OUT"
        oc delete -f "$ID-$n" >/dev/null 2>&1
else
        fail "no mount namespace: run -d"
fi
check_eq "no mount namespace: the rootfs got no device nodes" "" "$(find "$OCIRT_ROOTFS/dev" -newer "$b/config.json" 2>/dev/null)"

# ---- loopback --------------------------------------------------------------------------------
b=$(new_bundle)
# `spec --rootless` shares the host's network: ask for a new one.
cfg "$b" '.linux.namespaces |= map(select(.type != "network")) + [{"type": "network"}]'
args "$b" /bin/sh -c 'ip link show lo; (nc -l -p 7260 127.0.0.1 >/dev/null &); sleep 0.3; echo x | nc -w 2 127.0.0.1 7260 && echo CONNECTED'
run_b "$b"
check_contains "new network namespace: lo is up" "LOOPBACK,UP" "$OUT"
check_contains "new network namespace: 127.0.0.1 answers" "CONNECTED" "$OUT"

# ---- --no-pivot: no full procfs to mount from ------------------------------------------------
# CAP_SETFCAP: since 5.12 a user namespace may map uid 0 (unshare -r) only with it.
b=$(wrapped_bundle)
cfg "$b" '.process.capabilities |= with_entries(.value += ["CAP_SETFCAP"]) | .root.readonly = false
          | .process.args = ["/bin/sh", "-c", "unshare -mrpf sh -c \"mount -t proc none /proc && echo MOUNTED\"; echo done"]'
run_wrapped private "$b"
check_contains "pivot_root: the nested procfs mount is refused (control)" "done" "$OUT"
check_eq "pivot_root: no nested procfs" "" "$(grep MOUNTED <<<"$OUT")"
run_wrapped private "$b" --no-pivot
check_contains "--no-pivot: runs" "done" "$OUT"
check_eq "--no-pivot: the nested procfs mount is refused, as with pivot_root" "" "$(grep MOUNTED <<<"$OUT")"
cfg "$b" '.process.args = ["/bin/cat", "/proc/self/mountinfo"]'
run_wrapped private "$b" --no-pivot
check_contains "--no-pivot: the container's own /proc is still there" " /proc " "$OUT"

# ---- a namespace path of the wrong type --------------------------------------------------------
b=$(new_bundle)
cfg "$b" '.linux.namespaces |= map(select(.type != "network")) + [{"type": "network", "path": "/proc/self/ns/uts"}]'
idx=$(jq '.linux.namespaces | length - 1' "$b/config.json")
run_b "$b"
check_contains "network path to a uts namespace: names the JSON path" ".linux.namespaces[$idx].path" "$OUT"
check_contains "network path to a uts namespace: says what is wrong" "is not a network namespace" "$OUT"
cfg "$b" '.linux.namespaces |= map(if .type == "network" then .path = $f else . end)' --arg f "$b/config.json"
run_b "$b"
check_contains "network path to a plain file: names the JSON path" ".linux.namespaces[$idx].path" "$OUT"
check_contains "network path to a plain file: not a namespace file" "not a namespace file" "$OUT"
done_testing
