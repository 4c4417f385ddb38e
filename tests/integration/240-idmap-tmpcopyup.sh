#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 240-idmap-tmpcopyup.sh: `idmap` / `ridmap` (MOUNT_ATTR_IDMAP with the mount's own mappings or the
# container's) and `tmpcopyup` (a tmpfs that starts with the contents of the directory it covers).
# With a user namespace in the config, root's runtime builds the idmapped trees and passes them to the
# init; rootless, the host's files cannot be idmapped and the error says so.
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

# --- idmap / ridmap in a container with its own user namespace ---
# No leftovers after a failed run: no state, no mount of the bundle's files.
no_leftovers() { # DESC
        check_eq "$1: no state left" "" "$(ls -A "$STATE_ROOT")"
        check_eq "$1: nothing mounted from the bundle" "" "$(grep -F "$b/vol" /proc/self/mountinfo | grep -vF "$b/vol/sub")"
}
b=$(new_bundle)
mkdir -p "$b/vol/sub"
echo "mapped" >"$b/vol/f"
echo "root's" >"$b/vol/r"
if is_root; then
        chown 1000:1000 "$b/vol/f"
        # The container's root is host 100000; its rootfs (owned by the host's root) has /mnt, /home,
        # /var to mount on. /mnt: the container's mapping; /home: the mount's own (shifted by 10 and
        # 20 on top of the container's); /var: a plain bind, for contrast.
        cfg "$b" '.linux.namespaces += [{"type": "user"}]
                  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
                  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
                  | .mounts += [{"destination": "/mnt", "type": "bind", "source": "vol", "options": ["rbind", "idmap"]},
                                {"destination": "/home", "type": "bind", "source": "vol", "options": ["rbind", "ro", "idmap"],
                                 "uidMappings": [{"containerID": 0, "hostID": 100010, "size": 65000}],
                                 "gidMappings": [{"containerID": 0, "hostID": 100020, "size": 65000}]},
                                {"destination": "/var", "type": "bind", "source": "vol", "options": ["rbind"]}]'
        run_in "$b" /bin/sh -c 'for f in /mnt/f /mnt/r /home/f /var/f; do echo "$f=$(stat -c %u:%g $f)"; done
                               grep -E " /(mnt|home) " /proc/self/mountinfo; echo x >/home/x || echo ro-refused'
        check_eq "userns idmap: runs" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$OUT"
        check_eq "userns idmap, the container's mapping: a file of uid 1000 on disk is 1000 inside" 1000:1000 "$(kv /mnt/f "$OUT")"
        check_eq "userns idmap, the container's mapping: a file of the host's root is root inside" 0:0 "$(kv /mnt/r "$OUT")"
        check_eq "userns idmap, the mount's own mappings: 1000 on disk is 1010:1020 inside" 1010:1020 "$(kv /home/f "$OUT")"
        check_eq "userns: without idmap the same file is unmapped (65534)" 65534:65534 "$(kv /var/f "$OUT")"
        check_contains "userns idmap: mountinfo says idmapped" "idmapped" "$(grep ' /mnt ' <<<"$OUT")"
        check_contains "userns idmap + ro: the other options apply too" "ro-refused" "$OUT"
        if mount -t tmpfs -o mode=0755 tmpfs "$b/vol/sub" 2>/dev/null; then
                echo sub >"$b/vol/sub/g"
                cfg "$b" '.mounts |= map(if .destination == "/mnt" then .options = ["rbind", "ridmap"] else . end)
                          | .process.capabilities |= (.bounding += ["CAP_SYS_ADMIN"] | .effective += ["CAP_SYS_ADMIN"] | .permitted += ["CAP_SYS_ADMIN"])'
                run_in "$b" /bin/sh -c 'echo "mnt=$(stat -c %u /mnt/sub/g)"; echo "home=$(stat -c %u /home/sub/g)"
                                        umount /mnt/sub 2>/dev/null && echo UNMOUNTED; umount -l /mnt/sub 2>/dev/null && echo UNMOUNTED; true'
                check_eq "userns ridmap: a submount's file is mapped too (root inside)" 0 "$(kv mnt "$OUT")"
                check_eq "userns idmap (not ridmap): the submount is not mapped" 65534 "$(kv home "$OUT")"
                # The runtime clones the tree in the init's mount namespace: the kernel's lock on the
                # submount holds, so the container cannot uncover what it hides.
                if [[ $OUT != *UNMOUNTED* ]] && [ "$RC" -eq 0 ]; then ok "userns ridmap: the submount cannot be unmounted from inside"; else fail "userns ridmap: the submount cannot be unmounted from inside" "$OUT"; fi
                umount "$b/vol/sub"
        else
                for t in "ridmap submount" "idmap submount" "submount locked"; do skip "userns $t" "cannot mount a tmpfs in the bundle"; done
        fi
        # A failure while the runtime builds the trees: a missing source.
        cfg "$b" '.mounts |= map(if .destination == "/mnt" then .source = "missing" else . end)'
        run_in "$b" /usr/bin/probe ids
        if [ "$RC" -ne 0 ]; then ok "userns idmap, missing source: an error"; else fail "userns idmap, missing source: an error" "$OUT"; fi
        check_contains "userns idmap, missing source: names the mount and the source" "bind source '$b/missing'" "$OUT"
        no_leftovers "userns idmap, missing source"
        # A user namespace the container joins: the runtime has no step to build the trees in.
        unshare --user sleep 30 &
        holder=$!
        own_userns=$(readlink /proc/self/ns/user)
        if wait_until 5 eval '[ "$(readlink "/proc/$holder/ns/user")" != "$own_userns" ]' &&
                echo "0 100000 65536" >"/proc/$holder/uid_map" &&
                echo "0 100000 65536" >"/proc/$holder/gid_map"; then
                cfg "$b" '.mounts |= map(if .destination == "/mnt" then .source = "vol" else . end)
                          | .mounts = [.mounts[] | select(.destination == "/mnt")] + [.mounts[] | select(.destination != "/mnt")]
                          | .linux.namespaces |= map(if .type == "user" then .path = $p else . end)
                          | del(.linux.uidMappings, .linux.gidMappings)' --arg p "/proc/$holder/ns/user"
                run_in "$b" /usr/bin/probe ids
                if [ "$RC" -ne 0 ]; then ok "joined userns idmap: an error"; else fail "joined userns idmap: an error" "$OUT"; fi
                check_contains "joined userns idmap: the JSON path of the option" ".mounts[0].options" "$OUT"
                check_contains "joined userns idmap: the hint says why" "joins" "$OUT"
                no_leftovers "joined userns idmap"
                # Without an idmapped mount, joining works: the init becomes the namespace's root
                # (before the fix it stayed the overflow id and /dev/pts failed with EOVERFLOW).
                b5=$(new_bundle)
                cfg "$b5" '.linux.namespaces |= map(if .type == "user" then .path = $p else . end)
                           | if any(.linux.namespaces[]; .type == "user") then . else .linux.namespaces += [{"type": "user", "path": $p}] end
                           | del(.linux.uidMappings, .linux.gidMappings)' --arg p "/proc/$holder/ns/user"
                run_in "$b5" /usr/bin/probe ids
                check_eq "joined userns: the init is the namespace's root, /dev/pts mounted" "0 uid=0 gid=0" "$RC $(printf '%s\n' "$OUT" | head -n 2 | paste -sd ' ')"
        else
                for t in "error" "path" "hint" "no state" "nothing mounted" "root"; do skip "joined userns idmap: $t" "cannot set up a user namespace to join"; done
        fi
        kill "$holder" 2>/dev/null
        wait "$holder" 2>/dev/null
        for t in "rootless own mappings: error" "rootless own mappings: hint" "rootless fs of the userns" "rootless no state" "rootless nothing mounted"; do
                skip "$t" "rootless only"
        done
else
        # Rootless: the container's user namespace is all this user has; MOUNT_ATTR_IDMAP on the host's
        # files needs CAP_SYS_ADMIN in the initial one.
        cfg "$b" '.mounts += [{"destination": "/mnt", "type": "bind", "source": "vol", "options": ["rbind", "idmap"],
                               "uidMappings": [{"containerID": 0, "hostID": 0, "size": 1}],
                               "gidMappings": [{"containerID": 0, "hostID": 0, "size": 1}]}]'
        run_in "$b" /usr/bin/probe ids
        if [ "$RC" -ne 0 ]; then ok "rootless idmap, own mappings: an error"; else fail "rootless idmap, own mappings: an error" "$OUT"; fi
        check_contains "rootless idmap, own mappings: the JSON path of the option" ".mounts[$(($(jq '.mounts | length' "$b/config.json") - 1))].options" "$OUT"
        check_contains "rootless idmap, own mappings: the hint says what would work" "run ocirt as root" "$OUT"
        no_leftovers "rootless idmap"
        # A filesystem that the container's user namespace owns (a tmpfs it mounts) can be idmapped,
        # with the mount's ids read in that namespace: its root (0) shows as 1.
        if [ "$(jq '.linux.uidMappings | length' "$b/config.json")" -gt 1 ]; then
                cfg "$b" '.mounts[-1] = {"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"],
                                         "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
                                         "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}'
                run_in "$b" /usr/bin/probe stat /mnt
                if [ "$RC" -eq 0 ]; then
                        check_eq "rootless idmap of a tmpfs the container owns: its root shows as 1" 1 "$(kv uid "$OUT")"
                elif [[ $OUT == *"may not support idmapped"* ]]; then
                        skip "rootless idmap of a tmpfs the container owns" "this kernel's tmpfs has no idmapped mounts (< 6.3)"
                else
                        fail "rootless idmap of a tmpfs the container owns" "$OUT"
                fi
        else
                skip "rootless idmap of a tmpfs the container owns" "the config maps one id only"
        fi
        for t in "runs" "container's mapping" "root's file" "own mappings" "unmapped" "idmapped" "ro" "ridmap submount" \
                "idmap submount" "submount locked" "missing source: error" "missing source: names" "missing source: no state" \
                "missing source: nothing mounted" "joined: error" "joined: path" "joined: hint" "joined: no state" "joined: nothing mounted"; do
                skip "userns idmap: $t" "root only: the runtime builds idmapped mounts of the host's files"
        done
fi
done_testing
