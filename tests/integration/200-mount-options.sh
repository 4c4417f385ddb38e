#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 200-mount-options.sh: the mount options of config.md, checked from inside the container through
# /proc/self/mountinfo: per-mount flags, the recursive r* forms (on a tree with submounts), atime,
# nosymfollow, filesystem data and unknown options, propagation per mount and rootfsPropagation,
# file binds, and the error that names .mounts[N].
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"

P=/usr/bin/probe
ID=it200-$$
n=0
# run_in BUNDLE ARGS...: run ARGS in a fresh container; OUT (stdout+stderr), RC.
run_in() {
        local b=$1 e
        shift
        n=$((n + 1))
        args "$b" "$@"
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$ID-$n" 2>"$e" </dev/null) || RC=$?
        OUT=$OUT$'\n'$(cat "$e")
        rm -f "$e"
        oc delete -f "$ID-$n" >/dev/null 2>&1
}
# opts MOUNTINFO_TEXT MOUNTPOINT: the per-mount options (field 6) of the last mount on MOUNTPOINT.
opts() { awk -v d="$2" '$5 == d { o = $6 } END { print o }' <<<"$1"; }
# sopts MOUNTINFO_TEXT MOUNTPOINT: the superblock options (after " - type source ").
sopts() { awk -v d="$2" '$5 == d { for (i = 7; i <= NF; i++) if ($i == "-") o = $(i + 3) } END { print o }' <<<"$1"; }
# tags MOUNTINFO_TEXT MOUNTPOINT: the optional fields (shared:N, master:N) of the last mount there.
tags() { awk -v d="$2" '$5 == d { t = ""; for (i = 7; i <= NF && $i != "-"; i++) t = t $i " "; o = t } END { print o }' <<<"$1"; }
has_opt() { [[ ",$1," == *",$2,"* ]]; }
check_opt() { # DESC OPTS OPT
        if has_opt "$2" "$3"; then ok "$1"; else fail "$1" "options: '$2', expected '$3'"; fi
}
check_no_opt() {
        if ! has_opt "$2" "$3"; then ok "$1"; else fail "$1" "options: '$2', did not expect '$3'"; fi
}

# --- a tmpfs with flags, data and an option unknown to the runtime (passed to the filesystem) ---
b=$(new_bundle)
cfg "$b" '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs",
                       "options": ["nosuid", "nodev", "noexec", "noatime", "size=1m", "mode=0710", "nr_inodes=77"]}]'
run_in "$b" $P mounts
check_eq "tmpfs with options: runs" 0 "$RC"
o=$(opts "$OUT" /mnt)
for f in nosuid nodev noexec noatime; do check_opt "tmpfs: $f" "$o" "$f"; done
so=$(sopts "$OUT" /mnt)
check_opt "tmpfs: size=1m reaches the filesystem" "$so" "size=1024k"
check_opt "tmpfs: mode=0710 reaches the filesystem" "$so" "mode=710"
check_opt "tmpfs: nr_inodes (unknown to the runtime) reaches the filesystem" "$so" "nr_inodes=77"

# --- strictatime / nosymfollow / ro on a new filesystem ---
b=$(new_bundle)
cfg "$b" '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime", "nosymfollow", "ro"]}]'
run_in "$b" $P mounts
o=$(opts "$OUT" /mnt)
check_opt "tmpfs ro" "$o" ro
check_opt "tmpfs nosymfollow" "$o" nosymfollow
check_no_opt "tmpfs strictatime: no relatime" "$o" relatime
run_in "$b" $P write /mnt/x y
if [ "$RC" -ne 0 ]; then ok "tmpfs ro: a write fails"; else fail "tmpfs ro: a write fails" "$OUT"; fi

# --- remount: new flags for what an earlier entry mounted ---
b=$(new_bundle)
cfg "$b" '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"},
                      {"destination": "/mnt", "type": "none", "options": ["remount", "ro", "nosuid"]}]'
run_in "$b" $P mounts
check_eq "remount: runs" 0 "$RC"
check_eq "remount: one mount on /mnt" 1 "$(awk '$5 == "/mnt"' <<<"$OUT" | wc -l)"
o=$(opts "$OUT" /mnt)
check_opt "remount: ro" "$o" ro
check_opt "remount: nosuid" "$o" nosuid

# --- binds: flags, files, the recursive forms on a tree with submounts ---
# The host's /dev has submounts (pts, shm, mqueue, ...) for both root and the test user to bind.
subs=$(awk '$5 ~ "^/dev/[^/]+$" { print $5 }' /proc/self/mountinfo | head -n 1)
b=$(new_bundle)
mkdir -p "$b/data"
echo file >"$b/data/f"
echo single >"$b/file"
cfg "$b" '.mounts += [
  {"destination": "/mnt", "type": "bind", "source": "data", "options": ["rbind", "nosuid", "nodev", "noexec", "ro"]},
  {"destination": "/opt/one/file", "type": "bind", "source": "file", "options": ["bind", "ro"]},
  {"destination": "/srv/rro", "type": "bind", "source": "/dev", "options": ["rbind", "rro", "rnosuid", "rnoexec"]},
  {"destination": "/srv/ro", "type": "bind", "source": "/dev", "options": ["rbind", "ro"]}]'
run_in "$b" $P mounts
check_eq "binds with options: runs" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$OUT"
o=$(opts "$OUT" /mnt)
for f in ro nosuid nodev noexec; do check_opt "bind: $f" "$o" "$f"; done
check_opt "file bind: ro" "$(opts "$OUT" /opt/one/file)" ro
check_opt "rro: the top mount is ro" "$(opts "$OUT" /srv/rro)" ro
if [ -n "$subs" ]; then
        sub=${subs#/dev/}
        o=$(opts "$OUT" "/srv/rro/$sub")
        check_opt "rro: the submount /srv/rro/$sub is ro" "$o" ro
        check_opt "rnosuid: the submount is nosuid" "$o" nosuid
        check_opt "rnoexec: the submount is noexec" "$o" noexec
        check_no_opt "ro (not rro): the submount /srv/ro/$sub stays rw" "$(opts "$OUT" "/srv/ro/$sub")" ro
else
        for t in "rro submount" rnosuid rnoexec "ro submount"; do skip "$t" "the host's /dev has no submounts"; done
fi
run_in "$b" /bin/cat /opt/one/file
check_contains "file bind: content" single "$OUT"
run_in "$b" $P write /opt/one/file x
if [ "$RC" -ne 0 ]; then ok "file bind ro: a write fails"; else fail "file bind ro: a write fails" "$OUT"; fi
check_eq "file bind ro: the host file is untouched" single "$(cat "$b/file")"
run_in "$b" $P write /mnt/new x
check_contains "bind ro: EROFS" EROFS "$OUT"

# --- propagation per mount and rootfsPropagation ---
b=$(new_bundle)
cfg "$b" '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["shared"]},
                      {"destination": "/srv", "type": "tmpfs", "source": "tmpfs", "options": ["private"]},
                      {"destination": "/opt", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]}]
          | .linux.rootfsPropagation = "private"'
run_in "$b" $P mounts
check_eq "propagation: runs" 0 "$RC"
check_contains "shared: the mount is shared" "shared:" "$(tags "$OUT" /mnt)"
check_contains "rshared: the mount is shared" "shared:" "$(tags "$OUT" /opt)"
check_eq "private: no propagation tag" "" "$(tags "$OUT" /srv | tr -d ' ')"
check_eq "rootfsPropagation private: / has no tag" "" "$(tags "$OUT" / | tr -d ' ')"
cfg "$b" '.linux.rootfsPropagation = "shared"'
run_in "$b" $P mounts
check_contains "rootfsPropagation shared: / is shared" "shared:" "$(tags "$OUT" /)"
cfg "$b" '.linux.rootfsPropagation = "unbindable"'
run_in "$b" $P mounts
check_contains "rootfsPropagation unbindable" "unbindable" "$(tags "$OUT" /)"

# --- mqueue, and an error that names the mount ---
b=$(new_bundle)
run_in "$b" $P mounts
check_eq "default config: /dev/mqueue is mqueue" mqueue "$(awk '$5 == "/dev/mqueue" { for (i = 7; i <= NF; i++) if ($i == "-") print $(i + 1) }' <<<"$OUT")"
cfg "$b" '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["bogus_option=1"]}]'
run_in "$b" $P ids
if [ "$RC" -ne 0 ]; then ok "an option tmpfs refuses: run fails"; else fail "an option tmpfs refuses: run fails" "$OUT"; fi
check_contains "the error names the mount" ".mounts[" "$OUT"
check_contains "the error carries the kernel's reason" "bogus_option" "$OUT"
cfg "$b" '.mounts[-1] = {"destination": "/mnt", "type": "bind", "source": "does-not-exist", "options": ["rbind"]}'
run_in "$b" $P ids
check_contains "a missing bind source: named" "does-not-exist" "$OUT"

done_testing
