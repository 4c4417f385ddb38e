#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 730-client-contract.sh: what conmon, containerd's shim and CRI-O rely on beyond the lifecycle:
# on failure the json --log file holds exactly one object (the final error; podman json.Unmarshals
# it), warnings of a successful command stay; `kill -a` and names without SIG; `features`.
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq edits the configs"
ID=it730-$$
b=$(new_bundle)
log=$b/oci-log
# A warning (a syscall name libseccomp does not know) and then an error (a failing startContainer
# hook) in one command.
cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["no_such_syscall"], action: "SCMP_ACT_ERRNO"}]}
          | .process.noNewPrivileges = true | .process.args = ["true"]
          | .hooks = {startContainer: [{path: "/bin/false"}]}'
timeout 10 "$OCIRT_BIN" --root "$STATE_ROOT" --log "$log" --log-format json run --bundle "$b" "$ID" >/dev/null 2>"$b/err" </dev/null
rc=$?
[ $rc != 0 ] && ok "the failing run fails" || fail "the failing run fails"
check_contains "stderr has the warning" "no_such_syscall" "$(cat "$b/err")"
check "the log file is ONE JSON object (podman's json.Unmarshal)" python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["level"]=="error", o' "$log"
check_contains "... the final error" "startContainer" "$(cat "$log")"
"$OCIRT_BIN" --root "$STATE_ROOT" delete -f "$ID" >/dev/null 2>&1
# A successful command keeps its warnings.
rm -f "$log"
cfg "$b" 'del(.hooks)'
timeout 10 "$OCIRT_BIN" --root "$STATE_ROOT" --log "$log" --log-format json run --bundle "$b" "$ID" >/dev/null 2>&1 </dev/null
check_contains "a successful command's warning stays in the log" '"level":"warning"' "$(cat "$log" 2>/dev/null)"
"$OCIRT_BIN" --root "$STATE_ROOT" delete -f "$ID" >/dev/null 2>&1
# kill -a and signal names without SIG (CRI-O).
cfg "$b" 'del(.linux.seccomp) | .process.args = ["sh", "-c", "sleep 100 & exec sleep 200"]'
"$OCIRT_BIN" --root "$STATE_ROOT" run -d --bundle "$b" "$ID" >/dev/null 2>&1 </dev/null
check "kill -a ID KILL" "$OCIRT_BIN" --root "$STATE_ROOT" kill -a "$ID" KILL
for ((i = 0; i < 50; i++)); do [ "$("$OCIRT_BIN" --root "$STATE_ROOT" state "$ID" 2>/dev/null | jq -r .status)" = stopped ] && break; sleep 0.1; done
check_eq "... the container stopped" stopped "$("$OCIRT_BIN" --root "$STATE_ROOT" state "$ID" 2>/dev/null | jq -r .status)"
check "delete after kill -a" "$OCIRT_BIN" --root "$STATE_ROOT" delete "$ID"
check "features for CRI-O/containerd" "$OCIRT_BIN" features
done_testing
