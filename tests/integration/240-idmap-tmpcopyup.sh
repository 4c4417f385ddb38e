#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 240-idmap-tmpcopyup.sh: `idmap` / `ridmap` (MOUNT_ATTR_IDMAP with the mount's own mappings) and
# `tmpcopyup` (a tmpfs that starts with the contents of the directory it covers).
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
ID=it240-$$
n=0
run_in() { # BUNDLE ARGS...: OUT (stdout+stderr), RC
        local b=$1
        shift
        n=$((n + 1))
        args "$b" "$@"
        RC=0
        OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-$n" 2>&1 </dev/null) || RC=$?
        oc delete -f "$ID-$n" >/dev/null 2>&1
}

# --- tmpcopyup ---
rootfs=$(mktemp -d "$_t_dir/rootfs.XXXXXX")
cp -a "$OCIRT_ROOTFS/." "$rootfs/"
mkdir -p "$rootfs/seed/sub"
echo "seeded" >"$rootfs/seed/file"
echo "deep" >"$rootfs/seed/sub/file"
ln -s file "$rootfs/seed/link"
chmod 0750 "$rootfs/seed/sub"
b=$(new_bundle)
cfg "$b" '.root.path = $r | .mounts += [{"destination": "/seed", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nosuid"]}]' --arg r "$rootfs"
run_in "$b" /bin/sh -c 'cat /seed/file /seed/sub/file; readlink /seed/link; stat -c %a /seed/sub; echo new > /seed/file && cat /seed/file; grep " /seed " /proc/self/mountinfo'
check_eq "tmpcopyup: runs" 0 "$RC"
check_contains "tmpcopyup: a file is copied" seeded "$OUT"
check_contains "tmpcopyup: a nested file is copied" deep "$OUT"
check_contains "tmpcopyup: a symlink is copied as a symlink" $'\nfile\n' "$OUT"
check_contains "tmpcopyup: modes are kept" $'\n750\n' "$OUT"
check_contains "tmpcopyup: the tmpfs is writable" $'\nnew\n' "$OUT"
check_contains "tmpcopyup: /seed is a tmpfs" " - tmpfs " "$OUT"
check_eq "tmpcopyup: the image is untouched" seeded "$(cat "$rootfs/seed/file")"
cfg "$b" '.mounts[-1].options = ["tmpcopyup", "ro"]'
run_in "$b" /bin/sh -c 'cat /seed/file; echo x > /seed/file'
check_contains "tmpcopyup + ro: copied" seeded "$OUT"
if [ "$RC" -ne 0 ]; then ok "tmpcopyup + ro: read-only after the copy"; else fail "tmpcopyup + ro: read-only after the copy" "$OUT"; fi

# --- idmap / ridmap ---
b=$(new_bundle)
mkdir -p "$b/vol"
echo "mapped" >"$b/vol/f"
owner=$(stat -c %u "$b/vol/f")
group=$(stat -c %g "$b/vol/f")
if is_root; then
        cfg "$b" '.mounts += [{"destination": "/mnt", "type": "bind", "source": "vol", "options": ["rbind", "idmap"],
                               "uidMappings": [{"containerID": 0, "hostID": 1234, "size": 65536}],
                               "gidMappings": [{"containerID": 0, "hostID": 4321, "size": 65536}]}]'
        run_in "$b" /usr/bin/probe stat /mnt/f
        check_eq "idmap: runs" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$OUT"
        check_eq "idmap: a file owned by $owner on disk shows as $((owner + 1234))" $((owner + 1234)) "$(kv uid "$OUT")"
        check_eq "idmap: its group $group shows as $((group + 4321))" $((group + 4321)) "$(kv gid "$OUT")"
        run_in "$b" /usr/bin/probe mounts
        check_contains "idmap: mountinfo says idmapped" "idmapped" "$(awk '$5 == "/mnt"' <<<"$OUT")"
        check_eq "idmap: the file on disk keeps its owner" "$owner" "$(stat -c %u "$b/vol/f")"
        # ridmap: a submount of the bind source is idmapped too.
        mkdir -p "$b/vol/sub"
        if mount -t tmpfs -o mode=0755 tmpfs "$b/vol/sub" 2>/dev/null; then
                echo sub >"$b/vol/sub/g"
                cfg "$b" '.mounts[-1].options = ["rbind", "ridmap"]'
                run_in "$b" /usr/bin/probe stat /mnt/sub/g
                check_eq "ridmap: a submount's file is mapped too" $((0 + 1234)) "$(kv uid "$OUT")"
                cfg "$b" '.mounts[-1].options = ["rbind", "idmap"]'
                run_in "$b" /usr/bin/probe stat /mnt/sub/g
                check_eq "idmap (not ridmap): the submount is not mapped" 0 "$(kv uid "$OUT")"
                umount "$b/vol/sub"
        else
                skip "ridmap: submount mapped" "cannot mount a tmpfs in the bundle"
                skip "idmap: submount not mapped" "cannot mount a tmpfs in the bundle"
        fi
        cfg "$b" '.mounts[-1] |= del(.uidMappings, .gidMappings)'
        cfg "$b" '.linux.namespaces = [.linux.namespaces[] | select(.type != "user")] | del(.linux.uidMappings, .linux.gidMappings)'
        run_in "$b" /usr/bin/probe ids
        if [ "$RC" -ne 0 ]; then ok "idmap without mappings nor a user namespace: error"; else fail "idmap without mappings nor a user namespace: error" "$OUT"; fi
        check_contains "the error names the mount" ".mounts[" "$OUT"
        check_contains "the error says what is missing" "Mappings" "$OUT"
else
        cfg "$b" '.mounts += [{"destination": "/mnt", "type": "bind", "source": "vol", "options": ["rbind", "idmap"]}]'
        run_in "$b" /usr/bin/probe stat /mnt/f
        # The kernel allows MOUNT_ATTR_IDMAP only with CAP_SYS_ADMIN over the filesystem's owner (the
        # initial user namespace for these files): a rootless runtime cannot; the error says so.
        if [ "$RC" -ne 0 ]; then ok "rootless idmap of host files: an error"; else fail "rootless idmap of host files: an error" "$OUT"; fi
        check_contains "rootless idmap: the error names the mount" ".mounts[" "$OUT"
        check_contains "rootless idmap: the hint says why" "user namespace" "$OUT"
        for t in "idmap gid" "idmapped" "owner on disk" "ridmap" "idmap submount" "no mapping error" "names the mount"; do
                skip "idmap: $t" "root only: idmapped mounts of host files need the initial user namespace"
        done
fi
done_testing
