#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 545-state-root.sh: the default state root of a user without a login session (no
# XDG_RUNTIME_DIR). Root pass, as a system user made for the test (no /run/user/UID, no subuids):
# check names /tmp/ocirt-UID and why, without creating it; a container runs with its state there
# (0700, the user's); a planted symlink, a directory of another user, a mode 0755 directory and a
# file are refused with a clear error and nothing is created; a foreign XDG_RUNTIME_DIR is still
# refused; /run/user/UID is preferred when it is the user's. User pass: without XDG_RUNTIME_DIR
# the test user's containers go to /run/user/UID/ocirt or /tmp/ocirt-UID, as check says.
source "$OCIRT_TESTS/lib/common.sh"

need jq "jq reads check's JSON and edits the config"
SAFE=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

if ! is_root; then
        uid=$(id -u)
        if [ -d "/run/user/$uid" ] && [ "$(stat -c %u "/run/user/$uid")" = "$uid" ] &&
                [ "$(stat -c %a "/run/user/$uid")" = 700 ]; then
                want=/run/user/$uid/ocirt
        else
                want=/tmp/ocirt-$uid
        fi
        OUT=$(env -u XDG_RUNTIME_DIR "$OCIRT_BIN" check --format json 2>&1)
        sum=$(jq -r '.findings[] | select(.id == "state-root") | .summary' <<<"$OUT")
        check_contains "no XDG_RUNTIME_DIR: check names $want" "state root: $want (XDG_RUNTIME_DIR is not set" "$sum"
        b=$(new_bundle)
        id=nc-sr-user-$$
        RC=0
        timeout -k 2 30 env -u XDG_RUNTIME_DIR "$OCIRT_BIN" create --bundle "$b" "$id" >"$b/create.out" 2>&1 </dev/null || RC=$?
        check_eq "no XDG_RUNTIME_DIR: create succeeds" 0 "$RC" || diag "$(<"$b/create.out")"
        check "no XDG_RUNTIME_DIR: the container's state is in $want" test -d "$want/$id"
        check_contains "no XDG_RUNTIME_DIR: list shows it" "$id" "$(env -u XDG_RUNTIME_DIR "$OCIRT_BIN" list -q 2>&1)"
        check "no XDG_RUNTIME_DIR: delete --force" env -u XDG_RUNTIME_DIR "$OCIRT_BIN" delete --force "$id"
        check "no XDG_RUNTIME_DIR: its state is gone" test ! -e "$want/$id"
        done_testing
fi

u=ocirtsr$$
useradd -r -M -s /bin/sh "$u" 2>/dev/null || skip_all "useradd failed"
U=$(id -u "$u")
G=$(id -g "$u")
FB=/tmp/ocirt-$U
[ ! -e "/run/user/$U" ] || skip_all "/run/user/$U exists"
work=$(mktemp -d "$TMPDIR/sr.XXXXXX")
id=nc-sr-$$
chmod 0755 "$work"
cleanup_user() {
        as_u "$OCIRT_BIN" delete --force "$id" >/dev/null 2>&1
        rm -rf "$FB" "/run/user/$U" 2>/dev/null
        rm -f "$FB" 2>/dev/null
        userdel "$u" 2>/dev/null
}
trap 'cleanup_user; _t_cleanup' EXIT

# as_u CMD...: CMD as the test's user, without a session: no XDG_RUNTIME_DIR, as su or cron.
as_u() { (cd "$work" && timeout -k 2 30 runuser -u "$u" -- env -i "$SAFE" HOME=/ "$@"); }

# --- check says where and why, and creates nothing ---
OUT=$(as_u "$OCIRT_BIN" check --format json 2>&1)
check_eq "check: state-root ok" ok "$(jq -r '.findings[] | select(.id == "state-root") | .level' <<<"$OUT")" || diag "$OUT"
sum=$(jq -r '.findings[] | select(.id == "state-root") | .summary' <<<"$OUT")
check_contains "check: names $FB and why" "state root: $FB (XDG_RUNTIME_DIR is not set and there is no /run/user/UID" "$sum"
check "check: creates nothing" test ! -e "$FB"

# --- a container with its state in the fallback ---
b=$work/bundle
install -d -o "$u" -g "$G" "$b"
(cd "$b" && runuser -u "$u" -- env -i "$SAFE" "$OCIRT_BIN" spec --rootless --userns single) >/dev/null 2>&1
cfg "$b" '.root.path = $rootfs | .root.readonly = true | .process.terminal = false
          | .process.args = ["/usr/bin/probe", "ids"]' --arg rootfs "$OCIRT_ROOTFS"
RC=0
out=$(as_u "$OCIRT_BIN" run --bundle "$b" "$id" 2>&1) || RC=$?
check_eq "no session: run succeeds" 0 "$RC" || diag "$out"
check_eq "no session: the process is uid 0 inside" 0 "$(kv uid "$out")"
check_eq "no session: $FB was created 0700, owned by the user" "700 $U d" "$(stat -c '%a %u' "$FB" 2>&1) $([ -d "$FB" ] && [ ! -L "$FB" ] && echo d)"
RC=0
# The waiting init keeps create's stdout open: to a file, not $(...).
as_u "$OCIRT_BIN" create --bundle "$b" "$id" >"$work/create.out" 2>&1 </dev/null || RC=$?
check_eq "no session: create succeeds" 0 "$RC" || diag "$(<"$work/create.out")"
check "no session: its state is in $FB/$id" test -d "$FB/$id"
check_contains "no session: list shows it" "$id" "$(as_u "$OCIRT_BIN" list -q 2>&1)"
check "no session: delete --force" as_u "$OCIRT_BIN" delete --force "$id"

# refused PLANT DESC NEEDLE: with PLANT made as /tmp/ocirt-UID, every command fails with NEEDLE and
# check fails the state root; nothing is created behind the planted entry.
refused() {
        local desc=$1 needle=$2 out rc=0
        out=$(as_u "$OCIRT_BIN" list 2>&1) || rc=$?
        check_eq "$desc: list fails" 1 "$rc"
        check_contains "$desc: the error says why" "$needle" "$out"
        check_contains "$desc: ... and what to do" "hint:" "$out"
        out=$(as_u "$OCIRT_BIN" check --format json 2>&1)
        check_eq "$desc: check fails the state root" fail \
                "$(jq -r '.findings[] | select(.id == "state-root") | .level' <<<"$out")" || diag "$out"
}
rm -rf "$FB"

# A symlink planted by someone else, to a directory the user could even write to.
target=$work/target
install -d -m 0700 -o "$u" -g "$G" "$target"
ln -s "$target" "$FB"
refused "a symlink at $FB" "state root: '$FB' is a symbolic link, not a directory"
check_eq "a symlink: nothing was created through it" "" "$(ls -A "$target")"
rm -f "$FB"

# A directory made first by another user, open to everyone, as a squatter would.
install -d -m 0777 -o "$OCIRT_TEST_USER" "$FB"
refused "another user's $FB" "'$FB' is owned by uid $(id -u "$OCIRT_TEST_USER"), not by you (uid $U)"
check_eq "another user's: nothing was created in it" "" "$(ls -A "$FB")"
rmdir "$FB"

install -d -m 0755 -o "$u" -g "$G" "$FB"
refused "a mode 0755 $FB" "'$FB' has mode 0755, not 0700"
rmdir "$FB"

touch "$FB"
refused "a file at $FB" "'$FB' is not a directory"
rm -f "$FB"

# --- a foreign XDG_RUNTIME_DIR is still refused, not replaced by the fallback ---
RC=0
out=$(as_u XDG_RUNTIME_DIR=/run "$OCIRT_BIN" list 2>&1) || RC=$?
check_eq "XDG_RUNTIME_DIR of another user: refused" 1 "$RC"
check_contains "XDG_RUNTIME_DIR of another user: says whose" "XDG_RUNTIME_DIR: '/run' is owned by uid 0, not by you (uid $U)" "$out"
check "XDG_RUNTIME_DIR of another user: no fallback created" test ! -e "$FB"

# --- /run/user/UID, when it is the user's, comes before /tmp ---
install -d -m 0700 -o "$u" -g "$G" "/run/user/$U"
OUT=$(as_u "$OCIRT_BIN" check --format json 2>&1)
check_contains "/run/user/UID exists: check names it" "state root: /run/user/$U/ocirt (XDG_RUNTIME_DIR is not set; /run/user/UID is yours)" \
        "$(jq -r '.findings[] | select(.id == "state-root") | .summary' <<<"$OUT")"
check "/run/user/UID exists: list works" as_u "$OCIRT_BIN" list
check "/run/user/UID exists: the state root is there" test -d "/run/user/$U/ocirt"
check "/run/user/UID exists: /tmp is not used" test ! -e "$FB"
rm -rf "/run/user/$U"
done_testing
