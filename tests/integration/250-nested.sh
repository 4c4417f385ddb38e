#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 250-nested.sh: ocirt inside an ocirt container with a user namespace and no privileges over the
# host, as a CI job in a container needs. The outer container's /proc and /sys have masked and
# read-only parts, so the kernel refuses the inner container a fresh proc (and sysfs): ocirt falls
# back to an rbind of the outer ones, masks kept, and says so in a debug line.
#
# The inner runtime runs with --cgroup-manager disabled: this test is about the filesystem, and a
# CI container seldom has a cgroup of its own to give.
# The outer config keeps user namespaces possible: it adds CAP_SETFCAP, which the kernel (>= 5.12)
# wants in the parent namespace before a new user namespace may map its root, and CAP_SETUID and
# CAP_SETGID, with which the inner runtime (uid 0 of the outer namespace) writes the inner maps.
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"

# The outer rootfs: the host's /usr and /etc bound read-only, the usual merged-/usr links.
oroot=$(mktemp -d "$_t_dir/oroot.XXXXXX")
mkdir -p "$oroot"/{usr,etc,proc,dev,sys,run,mnt,tmp}
chmod 0755 "$oroot"
for l in bin lib lib64 sbin; do ln -s "usr/$l" "$oroot/$l"; done
touch "$oroot/ocirt"
[ -d /usr/lib64 ] || rm -f "$oroot/lib64"

# The inner bundle: a copy of the test rootfs, mapped as root of a user namespace of its own.
inner=$(new_bundle)
cp -a "$OCIRT_ROOTFS" "$inner/rootfs"
cfg "$inner" '.root.path = "/mnt/rootfs" | .process.args = ["/usr/bin/probe", "mounts"]
              | .linux.namespaces = ([.linux.namespaces[] | select(.type != "user")] + [{"type": "user"}])
              | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]
              | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]
              | .mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup")]
              | .mounts = [.mounts[] | if .destination == "/dev/pts" then .options -= ["gid=5"] else . end]'

outer=$(new_bundle)
cfg "$outer" '.root.path = $o | .root.readonly = true
  | .process.args = ["/ocirt", "--debug", "--cgroup-manager", "disabled", "--root", "/run/state", "run", "--bundle", "/mnt", "inner"]
  | .process.env += ["XDG_RUNTIME_DIR=/run/xdg"]
  | .process.capabilities |= with_entries(if .key == "inheritable" or .key == "ambient" then . else .value += ["CAP_SETFCAP", "CAP_SETUID", "CAP_SETGID"] end)
  | .mounts += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]},
                {"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]},
                {"destination": "/etc", "type": "bind", "source": "/etc", "options": ["rbind", "ro"]},
                {"destination": "/ocirt", "type": "bind", "source": $bin, "options": ["bind", "ro"]},
                {"destination": "/mnt", "type": "bind", "source": $in, "options": ["rbind"]}]' \
        --arg o "$oroot" --arg bin "$OCIRT_BIN" --arg in "$inner"
if is_root; then
        # Root: give the outer container a user namespace too, so that it has no privilege over the
        # host (and the kernel's mount restrictions for user namespaces apply).
        cfg "$outer" '.linux.namespaces = ([.linux.namespaces[] | select(.type != "user")] + [{"type": "user"}])
                      | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
                      | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
                      | .mounts = [.mounts[] | select(.destination != "/sys/fs/cgroup")]
                      | .mounts = [.mounts[] | if .destination == "/sys" then {"destination": "/sys", "type": "none", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end]
                      | .mounts = [.mounts[] | if .destination == "/dev/pts" then .options -= ["gid=5"] else . end]'
fi

out=$(timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$outer" outer 2>&1 </dev/null)
rc=$?
oc delete -f outer >/dev/null 2>&1
check_eq "ocirt inside an ocirt container: the inner container runs" 0 "$rc"
[ $rc -eq 0 ] || diag "$out"
check_contains "the fresh proc was refused: the debug line says so" "binding the outer /proc instead" "$out"
inner_proc=$(awk '$5 == "/proc" { l = $0 } END { print l }' <<<"$out")
check_contains "inner /proc is a procfs" " - proc " "$inner_proc"
check_contains "inner /proc is nosuid,nodev,noexec" "nosuid,nodev,noexec" "$inner_proc"
check_contains "the outer masks are kept (and the inner ones added)" " /proc/timer_list " "$out"
ro=$(awk '$5 == "/proc/sys" { o = $6 } END { print o }' <<<"$out")
check_contains "inner /proc/sys is read-only" "ro" "$ro"
check_contains "inner /sys is mounted" " /sys " "$out"
if jq -e '.mounts[] | select(.destination == "/sys" and .type == "sysfs")' "$inner/config.json" >/dev/null; then
        check_contains "the fresh sysfs was refused: bound from the outer /sys" "binding the host's /sys read-only instead" "$out"
else
        check_contains "inner /sys is the outer one, bound" "bind '/sys' on '/sys'" "$out"
fi
check_contains "inner /dev/pts is a devpts of its own" " /dev/pts " "$out"
done_testing
