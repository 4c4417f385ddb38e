#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 540-check.sh: `ocirt check` on this host, and on set-ups the test breaks on purpose: a user
# without a subuid entry and without XDG_RUNTIME_DIR (root pass: a temporary system user), XDG_RUNTIME_DIR not owned by the
# caller and newuidmap missing from PATH (user pass). Each finding has the exact fix command, and
# --format json parses.
source "$OCIRT_TESTS/lib/common.sh"

need jq "jq reads the JSON output"
RC=0
OUT=$("$OCIRT_BIN" check --format json 2>&1) || RC=$?
check "check --format json parses" jq -e '.findings | length > 0' <<<"$OUT"
check_eq "check: every finding has id, level and summary" true \
        "$(jq '[.findings[] | has("id") and has("level") and has("summary") and has("fix")] | all' <<<"$OUT")"
text=$("$OCIRT_BIN" check 2>&1)
check_contains "check (text): ends with a verdict" "rootless containers" "$text"

if is_root; then
        check_eq "check as root: exit status 0 on this host" 0 "$RC" || diag "$OUT"
        # A user without subordinate ids: a system user (useradd gives those no range).
        u=ocirtchk$$
        if useradd -r -M -s /bin/sh "$u" 2>/dev/null; then
                uid=$(id -u "$u")
                RC=0
                OUT=$(runuser -u "$u" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$OCIRT_BIN" check --format json 2>&1) || RC=$?
                userdel "$u" 2>/dev/null
                check_eq "user without /etc/subuid entry: exit status 1" 1 "$RC"
                check_eq "user without /etc/subuid entry: subuid fails" fail "$(jq -r '.findings[] | select(.id == "subuid") | .level' <<<"$OUT")"
                fix=$(jq -r '.findings[] | select(.id == "subuid") | .fix' <<<"$OUT")
                check_contains "user without /etc/subuid entry: the fix is a usermod command for that user" "sudo usermod --add-subuids" "$fix"
                check_contains "user without /etc/subuid entry: ... naming the user" " $u" "$fix"
                # No session: the /tmp fallback (545-state-root.sh tests it in depth).
                check_eq "user without XDG_RUNTIME_DIR: state root ok" ok "$(jq -r '.findings[] | select(.id == "state-root") | .level' <<<"$OUT")"
                check_contains "user without XDG_RUNTIME_DIR: the /tmp fallback" "state root: /tmp/ocirt-$uid" \
                        "$(jq -r '.findings[] | select(.id == "state-root") | .summary' <<<"$OUT")"
        else
                skip "user without /etc/subuid entry" "useradd failed"
        fi
        done_testing
fi

check_eq "check as the test user: exit status 0 on this host" 0 "$RC" || diag "$OUT"
check_eq "check: subuid ok for the test user" ok "$(jq -r '.findings[] | select(.id == "subuid") | .level' <<<"$OUT")"
check_eq "check: newuidmap ok" ok "$(jq -r '.findings[] | select(.id == "newuidmap") | .level' <<<"$OUT")"

# XDG_RUNTIME_DIR owned by someone else (the su/sudo case).
RC=0
OUT=$(XDG_RUNTIME_DIR=/tmp "$OCIRT_BIN" check --format json 2>&1) || RC=$?
check_eq "foreign XDG_RUNTIME_DIR: exit status 1" 1 "$RC"
check_eq "foreign XDG_RUNTIME_DIR: fails" fail "$(jq -r '.findings[] | select(.id == "state-root") | .level' <<<"$OUT")"
check_contains "foreign XDG_RUNTIME_DIR: the fix" "export XDG_RUNTIME_DIR=/run/user/$(id -u)" \
        "$(jq -r '.findings[] | select(.id == "state-root") | .fix' <<<"$OUT")"
text=$(XDG_RUNTIME_DIR=/tmp "$OCIRT_BIN" check 2>&1)
check_contains "foreign XDG_RUNTIME_DIR (text): says it is not yours" "XDG_RUNTIME_DIR: '/tmp' is owned by uid 0, not by you" "$text"

# newuidmap, slirp4netns, pasta, fuse-overlayfs missing from PATH.
nopath=$(mktemp -d "$TMPDIR/nopath.XXXXXX")
RC=0
OUT=$(PATH=$nopath "$OCIRT_BIN" check --format json 2>&1) || RC=$?
check_eq "no helpers in PATH: exit status 1" 1 "$RC"
check_eq "no helpers in PATH: newuidmap fails" fail "$(jq -r '.findings[] | select(.id == "newuidmap") | .level' <<<"$OUT")"
check_contains "no helpers in PATH: names the package uidmap" "apt-get install uidmap" \
        "$(jq -r '.findings[] | select(.id == "newuidmap") | .fix' <<<"$OUT")"
check_contains "no helpers in PATH: names the package slirp4netns" "apt-get install slirp4netns" \
        "$(jq -r '.findings[] | select(.id == "slirp4netns") | .fix' <<<"$OUT")"
check_contains "no helpers in PATH: names the package passt for pasta" "apt-get install passt" \
        "$(jq -r '.findings[] | select(.id == "pasta") | .fix' <<<"$OUT")"
check_eq "no helpers in PATH: pasta only warns" warning "$(jq -r '.findings[] | select(.id == "pasta") | .level' <<<"$OUT")"
check_contains "no helpers in PATH: names the package fuse-overlayfs" "apt-get install fuse-overlayfs" \
        "$(jq -r '.findings[] | select(.id == "fuse-overlayfs") | .fix' <<<"$OUT")"
done_testing
