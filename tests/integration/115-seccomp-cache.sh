#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 115-seccomp-cache.sh: the compiled seccomp programs kept in STATEROOT/.seccomp-cache
# (process/seccomp-cache.c). A second run of a profile takes the program from the cache and the
# filter still holds, for run and for exec; the warnings of the compile are repeated; a cached
# program is never used for another profile (the whole key is compared, not its hash), a damaged
# or foreign file is ignored, and the cache is private to the runtime's user.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it115-$$
b=$(new_bundle)
n=0
cfg "$b" '.process.noNewPrivileges = true'
C=$STATE_ROOT/.seccomp-cache

probe() {
        n=$((n + 1))
        args "$b" $P "$@"
        r --log-level debug run --bundle "$b" "$ID-$n"
        rm_ctr "$ID-$n"
}
profile() { # ERRNO_NAMES_JSON: allow all but these, which fail with EXDEV; plus one name no libseccomp knows
        cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                syscalls: [{names: ($n + ["ocirt_no_such_call"]), action: "SCMP_ACT_ERRNO", errnoRet: 18}]}' --argjson n "$1"
}

# --- the first run compiles and stores, the second takes it from the cache ---
profile '["mkdir","mkdirat"]'
probe try mkdir:/tmp/x getpid
check_eq "first run: exit 0" 0 "$RC" || diag "$ERR"
check_eq "first run: the filter holds" EXDEV "$(kv mkdir:/tmp/x "$OUT")"
check_contains "first run: the compile warns of the unknown name" "ocirt_no_such_call" "$ERR"
files=$(ls "$C" 2>/dev/null | grep -c '\.bpf$')
check_eq "first run: one program stored" 1 "$files"
check_eq "the cache directory is private (0700)" 700 "$(stat -c %a "$C" 2>/dev/null)"
check_eq "the program file is private (0600)" 600 "$(stat -c %a "$C"/*.bpf 2>/dev/null)"
check_eq "the cache is not a container for list" "" "$(oc list -q 2>/dev/null)"
probe try mkdir:/tmp/x getpid
check_eq "second run: exit 0" 0 "$RC" || diag "$ERR"
check_contains "second run: the program came from the cache" "from the cache" "$ERR"
check_eq "second run: the filter holds" EXDEV "$(kv mkdir:/tmp/x "$OUT")"
check_eq "second run: other syscalls pass" ok "$(kv getpid "$OUT")"
check_contains "second run: the warning is repeated" "ocirt_no_such_call" "$ERR"

# --- exec takes the container's program from the cache too ---
args "$b" $P sleep 30
RC=0
# The detached container keeps ocirt's stdout: a file, not a pipe that $(...) would wait on.
po=$(mktemp)
oc run --bundle "$b" --detach "$ID-exec" >"$po" 2>&1 </dev/null || RC=$?
check_eq "exec: container started" 0 "$RC" || diag "$(cat "$po")"
r --log-level debug exec "$ID-exec" $P try mkdir:/tmp/y
check_contains "exec: the program came from the cache" "from the cache" "$ERR"
check_eq "exec: the filter holds" EXDEV "$(kv mkdir:/tmp/y "$OUT")"
rm_ctr "$ID-exec"

# --- another profile never gets this program, even under its file name ---
first=$(ls "$C"/*.bpf)
profile '["getppid"]'
probe try mkdir:/tmp/x getppid
check_eq "another profile: its own filter (getppid denied)" EXDEV "$(kv getppid "$OUT")"
check_eq "another profile: mkdir not denied (EROFS from the read-only rootfs)" EROFS "$(kv mkdir:/tmp/x "$OUT")"
second=$(ls "$C"/*.bpf | grep -vx "$first")
check "another profile: a second program stored" test -n "$second"
cp "$first" "$second"
probe try mkdir:/tmp/x getppid
if grep -q "from the cache" <<<"$ERR"; then
        fail "another profile's program under this file name: not used" "$ERR"
else
        ok "another profile's program under this file name: not used"
fi
check_eq "another profile's program under this file name: the right filter" EXDEV "$(kv getppid "$OUT")"
check_eq "... and mkdir not denied" EROFS "$(kv mkdir:/tmp/x "$OUT")"

# --- a damaged file is a miss, not an error ---
for f in "$C"/*.bpf; do head -c 40 "$f" >"$f.tmp" && mv "$f.tmp" "$f"; done
probe try getppid
check_eq "damaged cache: the run works" 0 "$RC" || diag "$ERR"
check_eq "damaged cache: the filter holds" EXDEV "$(kv getppid "$OUT")"

# --- a file that is a symlink is not followed ---
for f in "$C"/*.bpf; do rm -f "$f"; ln -s /etc/passwd "$f"; done
probe try getppid
check_eq "symlinked cache file: the run works" 0 "$RC" || diag "$ERR"
check_eq "symlinked cache file: the filter holds" EXDEV "$(kv getppid "$OUT")"
done_testing
