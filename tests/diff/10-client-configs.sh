#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/diff/10-client-configs.sh: the configs that clients write, run under
# ocirt and under runc/crun, compared aspect by aspect (see harness.bash).
# Accepted differences: tests/diff/expected (deliberate, with reasons in
# DIFFERENCES.md) and tests/diff/known-bugs (open issues).
# shellcheck disable=SC2016 # $vars in single quotes are jq's or the container shell's
# shellcheck source=harness.bash
. "$OCIRT_TESTS/diff/harness.bash"

# podman 4.3 (run --rm busybox): rslave root, its own masked and read-only
# paths, /dev/shm and /dev/mqueue, a device with its cgroup rule, limits,
# eleven capabilities, container=podman in the environment.
PODMAN_COMMON='
  .linux.rootfsPropagation = "rslave"
  | .hostname = "podmanctr"
  | .process.env += ["container=podman", "HOSTNAME=podmanctr"]
  | .process.capabilities = (["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"] as $c
        | {bounding: $c, effective: $c, permitted: $c})
  | .process.oomScoreAdj = 0
  | .linux.maskedPaths = ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block"]
  | .linux.readonlyPaths = ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
  | .mounts = [
        {destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]},
        {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {destination: "/dev/pts", type: "devpts", source: "devpts",
         options: (["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"] + $gid5)},
        {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
        {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536000"]},
        $sys,
        {destination: "/etc/hosts", type: "bind", source: ($bundle + "/hosts"), options: ["bind", "rprivate"]},
        {destination: "/run", type: "tmpfs", source: "tmpfs", options: ["rw", "rprivate", "nosuid", "nodev", "size=1m"]}
    ]'
PODMAN_ROOT="($PODMAN_COMMON) | .linux.devices = [{path: \"/dev/fuse\", type: \"c\", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0}]
  | .linux.resources = {
        devices: [{allow: false, access: \"rwm\"}, {allow: true, type: \"c\", major: 10, minor: 229, access: \"rwm\"}],
        memory: {limit: 33554432, swap: 33554432}, pids: {limit: 64}, cpu: {shares: 512, quota: 50000, period: 100000}}"
PODMAN_SETUP='printf "127.0.0.1 localhost podmanctr\n" >hosts'

dcase runc-spec --base runc --pass root
dcase runc-spec-rootless --base runc-rootless
dcase ocirt-spec --base ocirt --pass root
dcase ocirt-spec-rootless --base ocirt-rootless --pass user
dcase ocirt-spec-rootless-root --base ocirt-rootless --pass root

dcase podman --pass root --setup "$PODMAN_SETUP" --jq "$PODMAN_ROOT" \
        --cmd 'head -c 0 /dev/fuse; echo fuse=$?' \
        --jq-args "--argjson gid5 [\"gid=5\"] --argjson sys {\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}"

# The same without rootfsPropagation, so that the rest is compared while
# rslave is refused (issue 12 item 1).
dcase podman-noprop --pass root --setup "$PODMAN_SETUP" --jq "$PODMAN_ROOT | del(.linux.rootfsPropagation)" \
        --cmd 'head -c 0 /dev/fuse; echo fuse=$?' \
        --jq-args "--argjson gid5 [\"gid=5\"] --argjson sys {\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}"

# Rootless podman: the user namespace with the subordinate range, /sys bound
# from the host, the device bind-mounted (it cannot be created), no limits.
dcase podman-rootless --pass user --base runc-rootless --setup "$PODMAN_SETUP" \
        --jq "($PODMAN_COMMON) | $DIFF_WIDE
              | .mounts += [{destination: \"/dev/null2\", type: \"bind\", source: \"/dev/null\", options: [\"bind\", \"rprivate\"]}]" \
        --jq-args "--argjson gid5 [] --argjson sys {\"destination\":\"/sys\",\"type\":\"bind\",\"source\":\"/sys\",\"options\":[\"rprivate\",\"nosuid\",\"noexec\",\"nodev\",\"ro\",\"rbind\"]}"

# containerd's CRI plugin: a container joins its sandbox's network, IPC and
# UTS namespaces by path, rshared root (a Bidirectional volume), sysctls,
# annotations, a kubepods cgroup, containerd's capability set.
CRI='
  .linux.rootfsPropagation = "rshared"
  | .linux.namespaces = [{type: "pid"}, {type: "mount"},
        {type: "ipc", path: "/proc/\($hpid)/ns/ipc"}, {type: "uts", path: "/proc/\($hpid)/ns/uts"},
        {type: "network", path: "/proc/\($hpid)/ns/net"}]
  | del(.hostname)
  | .linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "0", "net.ipv4.ping_group_range": "0 2147483647"}
  | .annotations = {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "0123abcd",
        "io.kubernetes.cri.container-name": "diff"}
  | .linux.cgroupsPath = "/dfkube-\($id)/pod0123/\($id)"
  | .process.capabilities = (["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
        "CAP_AUDIT_WRITE"] as $c | {bounding: $c, effective: $c, permitted: $c})
  | .linux.resources = {devices: [{allow: false, access: "rwm"}], cpu: {shares: 2}, memory: {limit: 67108864}}
  | .mounts += [{destination: "/etc/hosts", type: "bind", source: ($bundle + "/hosts"), options: ["rbind", "rprivate", "rw"]}]'
dcase cri-container --pass root --holder "unshare -n -i -u sleep 60" --setup "$PODMAN_SETUP" --jq "$CRI" \
        --cmd 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/net/ipv4/ping_group_range; hostname' \
        --teardown 'rmdir /sys/fs/cgroup/*/dfkube-$ID/pod0123 /sys/fs/cgroup/*/dfkube-$ID 2>/dev/null; true'

dcase cri-container-noprop --pass root --holder "unshare -n -i -u sleep 60" --setup "$PODMAN_SETUP" \
        --jq "$CRI | del(.linux.rootfsPropagation)" \
        --cmd 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/net/ipv4/ping_group_range; hostname' \
        --teardown 'rmdir /sys/fs/cgroup/*/dfkube-$ID/pod0123 /sys/fs/cgroup/*/dfkube-$ID 2>/dev/null; true'

# The CRI sandbox (pause) container: new namespaces, a hostname, a sysctl in its IPC namespace.
dcase cri-sandbox --pass root --jq '
  .hostname = "sandbox-0123" | .linux.sysctl = {"kernel.shm_rmid_forced": "1", "net.ipv4.ip_forward": "1"}
  | .annotations = {"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-id": "0123abcd"}
  | .linux.namespaces += [{type: "cgroup"}] | .mounts |= map(select(.destination != "/sys/fs/cgroup"))' \
        --cmd 'hostname; cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ip_forward'

diff_done
