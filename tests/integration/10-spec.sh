#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 10-spec.sh: `ocirt spec` and `spec --rootless` produce configs that validate against the OCI
# schema and refuse to overwrite one; the CLI basics: --help for every command, --version, and
# clear errors for an unknown command or flag.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq parses the generated configs"
need python3 "python3 validates against the JSON schema"

# check_valid DESC SCHEMA FILE: FILE validates against SCHEMA of the OCI spec.
check_valid() {
        local out
        if [ -z "$OCIRT_SCHEMA_DIR" ]; then
                skip "$1" "OCIRT_SCHEMA_DIR is not set"
        elif out=$(python3 "$OCIRT_TESTS/lib/validate-schema.py" "$OCIRT_SCHEMA_DIR" "$2" "$3" 2>&1); then
                ok "$1"
        else
                fail "$1" "$out"
        fi
}

work=$(mktemp -d)
mkdir "$work/plain" "$work/rootless"

# --- ocirt spec ---
RC=0
(cd "$work/plain" && timeout -k 2 10 "$OCIRT_BIN" spec) >"$work/out" 2>"$work/err" || RC=$?
check_eq "spec: exit status 0" 0 "$RC"
check "spec: writes config.json" test -s "$work/plain/config.json"
check_valid "spec: config.json validates against config-schema.json" config-schema.json "$work/plain/config.json"
c="$work/plain/config.json"
check_eq "spec: ociVersion is the spec version 1.x" "1." "$(jq -r '.ociVersion[0:2]' "$c" 2>/dev/null)"
check_eq "spec: root.path is rootfs" rootfs "$(jq -r '.root.path' "$c" 2>/dev/null)"
check_eq "spec: a pid namespace" 1 "$(jq '[.linux.namespaces[] | select(.type == "pid")] | length' "$c" 2>/dev/null)"
check_eq "spec: a mount namespace" 1 "$(jq '[.linux.namespaces[] | select(.type == "mount")] | length' "$c" 2>/dev/null)"

# Never overwrite a config someone wrote.
sum=$(md5sum <"$c")
RC=0
(cd "$work/plain" && timeout -k 2 10 "$OCIRT_BIN" spec) >"$work/out" 2>"$work/err" || RC=$?
if [ "$RC" -ne 0 ]; then ok "spec: refuses to overwrite an existing config.json"; else fail "spec: refuses to overwrite an existing config.json" "exit 0"; fi
check_contains "spec: the refusal names config.json" config.json "$(cat "$work/err")"
check_eq "spec: the existing config.json is unchanged" "$sum" "$(md5sum <"$c")"

# --- ocirt spec --rootless ---
RC=0
(cd "$work/rootless" && timeout -k 2 10 "$OCIRT_BIN" spec --rootless) >"$work/out" 2>"$work/err" || RC=$?
check_eq "spec --rootless: exit status 0" 0 "$RC"
c="$work/rootless/config.json"
check_valid "spec --rootless: config.json validates against config-schema.json" config-schema.json "$c"
check_eq "spec --rootless: a user namespace" 1 "$(jq '[.linux.namespaces[] | select(.type == "user")] | length' "$c" 2>/dev/null)"
check_eq "spec --rootless: no network namespace" 0 "$(jq '[.linux.namespaces[] | select(.type == "network")] | length' "$c" 2>/dev/null)"
check_eq "spec --rootless: uidMappings map the caller to 0" "0 $(id -u) 1" \
        "$(jq -r '.linux.uidMappings[0] | "\(.containerID) \(.hostID) \(.size)"' "$c" 2>/dev/null)"
check_eq "spec --rootless: gidMappings map the caller's group to 0" "0 $(id -g) 1" \
        "$(jq -r '.linux.gidMappings[0] | "\(.containerID) \(.hostID) \(.size)"' "$c" 2>/dev/null)"
# A fresh sysfs is refused without a network namespace of our own: bind the host's, read-only.
check_eq "spec --rootless: /sys is a read-only rbind" "rbind ro" \
        "$(jq -r '[.mounts[] | select(.destination == "/sys")][0].options // [] | "\(if index("rbind") then "rbind" else "-" end) \(if index("ro") then "ro" else "-" end)"' "$c" 2>/dev/null)"
RC=0
(cd "$work/rootless" && timeout -k 2 10 "$OCIRT_BIN" spec --rootless) >"$work/out" 2>"$work/err" || RC=$?
if [ "$RC" -ne 0 ]; then ok "spec --rootless: refuses to overwrite config.json"; else fail "spec --rootless: refuses to overwrite config.json" "exit 0"; fi

# --- --help, --version, unknown command and flag ---
r --help
check_eq "--help: exit status 0" 0 "$RC"
for cmd in spec create start run state list kill delete; do
        check_contains "--help lists '$cmd'" "$cmd" "$OUT"
done
for cmd in spec create start run state list kill delete; do
        r "$cmd" --help
        if [ "$RC" -eq 0 ] && grep -q -- "$cmd" <<<"$OUT"; then
                ok "$cmd --help: exit 0 and a usage naming the command"
        else
                fail "$cmd --help: exit 0 and a usage naming the command" "exit $RC; stdout: $OUT; stderr: $ERR"
        fi
done
r --version
check_eq "--version: exit status 0" 0 "$RC"
if grep -Eq '[0-9]+\.[0-9]+\.[0-9]+' <<<"$OUT"; then ok "--version prints a version number"; else fail "--version prints a version number" "$OUT"; fi

r frobnicate
if [ "$RC" -ne 0 ]; then ok "unknown command: non-zero exit"; else fail "unknown command: non-zero exit"; fi
check_contains "unknown command: the error names it" frobnicate "$ERR"
r list --frobnicate
if [ "$RC" -ne 0 ]; then ok "unknown flag: non-zero exit"; else fail "unknown flag: non-zero exit"; fi
check_contains "unknown flag: the error names it" frobnicate "$ERR"
r --frobnicate list
if [ "$RC" -ne 0 ]; then ok "unknown global flag: non-zero exit"; else fail "unknown global flag: non-zero exit"; fi
check_contains "unknown global flag: the error names it" frobnicate "$ERR"

rm -rf "$work"
done_testing
