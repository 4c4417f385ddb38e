#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/diff/40-more.sh: what else clients set (no issue item),
# run under ocirt and under runc/crun and compared (see harness.bash). The
# base config ($B) is `runc spec` as root, `runc spec --rootless` as the test
# user; $WIDE maps uid/gid 1000 too when rootless.
# shellcheck disable=SC2016 # $vars in single quotes are jq's or the container shell's
# shellcheck source=harness.bash
. "$OCIRT_TESTS/diff/harness.bash"

B=$DIFF_BASE
WIDE=$DIFF_WIDE

# Not in an issue: what else clients set.
dcase user-groups --base $B --jq "$WIDE | .process.user = {uid: 1000, gid: 1000, additionalGids: [5, 100]}" \
        --cmd 'id' --aspects exit,stdout,status,env
dcase process-attrs --base $B --aspects exit,stdout,status \
        --jq '.process.noNewPrivileges = false | .process.oomScoreAdj = 100 | .process.user.umask = 63
              | .process.rlimits = [{type: "RLIMIT_NOFILE", hard: 512, soft: 256}, {type: "RLIMIT_NPROC", hard: 1000, soft: 900}]' \
        --cmd 'cat /proc/self/oom_score_adj; umask; ulimit -n; ulimit -u'
dcase hostname-domainname --base $B --jq '.hostname = "h1" | .domainname = "example.org"' \
        --cmd 'hostname; cat /proc/sys/kernel/domainname' --aspects exit,stdout
# Mount points that the rootfs has: the test rootfs is shared, nothing may be created in it.
dcase mount-options --base $B --aspects exit,stdout,mountinfo \
        --jq '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: ["size=1m", "mode=0750", "nodev", "noexec", "noatime"]},
                          {destination: "/home", type: "bind", source: "/etc", options: ["bind", "ro", "nosuid", "nodev", "noexec"]},
                          {destination: "/var/tmp", type: "bind", source: "/etc", options: ["rbind", "rw", "relatime"]}]' \
        --cmd 'ls -d /home/passwd /var/tmp/passwd'
dcase masked-paths --base $B --aspects exit,stdout,mountinfo \
        --jq '.linux.maskedPaths += ["/proc/cpuinfo", "/proc/driver", "/does/not/exist"] | .linux.readonlyPaths += ["/proc/self/attr", "/nothing/here"]' \
        --cmd 'wc -c </proc/cpuinfo; ls /proc/driver | wc -l'
dcase devices-extra --pass root --base runc --aspects exit,stdout,dev \
        --jq '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 432, uid: 1000, gid: 5},
                                {path: "/dev/mydir/loop9", type: "b", major: 7, minor: 9}]
              | .linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rw"}]' \
        --cmd ': </dev/fuse 2>/dev/null; echo fuse=$?'
dcase host-network --pass root --base runc --jq 'del(.linux.namespaces[] | select(.type == "network"))' --aspects exit,net
dcase env-no-path --base $B --jq '.process.env = ["TERM=dumb", "A=1"]' --cmd 'echo "PATH=$PATH"' --aspects exit,stdout,env
dcase exit-status --base $B --cmd 'exit 42' --aspects exit
dcase exit-signal --base $B --argv '/usr/bin/probe kill-self TERM' --aspects exit

diff_done
