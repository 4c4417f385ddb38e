#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/diff/30-issue13.sh: one small case per item of issue 13
# (host safety),
# run under ocirt and under runc/crun and compared (see harness.bash). The
# base config ($B) is `runc spec` as root, `runc spec --rootless` as the test
# user.
# shellcheck disable=SC2016 # $vars in single quotes are jq's or the container shell's
# shellcheck source=harness.bash
. "$OCIRT_TESTS/diff/harness.bash"

B=$DIFF_BASE

# issue 13 item 1: a bind-mounted /dev is left alone (nothing written into the source).
# Root only: runc and crun need a null device in it, which only root can make.
dcase dev-bind --pass root --base runc --setup 'mkdir devdir && mknod -m 666 devdir/null c 1 3 && : >devdir/ptmx' \
        --jq '.mounts |= map(select(.destination | startswith("/dev") | not))
              | .mounts += [{destination: "/dev", type: "bind", source: ($bundle + "/devdir"), options: ["rbind", "rw"]}]' \
        --cmd 'ls /dev' --aspects exit,stdout,host
# 13.2: limits as the container sees them (own cgroup at each controller's root), with and without a cgroup namespace.
LIMITS='.linux.resources += {memory: {limit: 33554432}, pids: {limit: 64}, cpu: {shares: 512, quota: 50000, period: 100000}}'
dcase limits --pass root --base runc --jq "$LIMITS" --aspects exit,cgroup,mountinfo
dcase limits-cgroupns --pass root --base runc --jq "$LIMITS | .linux.namespaces += [{type: \"cgroup\"}]" \
        --aspects exit,cgroup,mountinfo
# 13.3: --no-pivot must not leave a procfs that a nested user namespace can remount.
dcase no-pivot-proc --base $B --run-arg --no-pivot --aspects exit,stdout \
        --cmd 'unshare -mrpf sh -c "mount -t proc none /proc" 2>/dev/null && echo mounted || echo refused'
# 13.4: a deny-all device rule blocks the devices of linux.devices too.
dcase devices-deny --pass root --base runc --aspects exit,stdout,dev \
        --jq '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 420, uid: 0, gid: 0}]
              | .linux.resources.devices = [{allow: false, access: "rwm"}]' \
        --cmd ': </dev/kmsg 2>/dev/null; echo read=$?'
# 13.7: a cgroupsPath with '..' stays inside the hierarchy.
dcase cgroupspath-dotdot --pass root --base runc --aspects exit,cgroup,host \
        --jq '.linux.cgroupsPath = "/../../dfdd-\($id)"' \
        --teardown 'rmdir /sys/fs/cgroup/*/dfdd-$ID 2>/dev/null; true'

diff_done
