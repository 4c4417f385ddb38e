#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 710-hooks.sh: the six OCI hooks run in order, at their moment, in their namespace, with the state
# JSON on stdin, their args and env; a timeout kills the hook; the v1.3 failure rules (a failing
# poststart fails start and stops the container, poststop only warns and the others still run).
source "$OCIRT_TESTS/lib/common.sh"
r() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}
# rf ARGS...: the same for create, whose container keeps stdout open: output goes to files.
rf() {
        local o
        o=$(mktemp)
        RC=0
        timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" >"$o" 2>"$o.err" </dev/null || RC=$?
        OUT=$(cat "$o")
        ERR=$(cat "$o.err")
        rm -f "$o" "$o.err"
}
status_of() {
        local s
        s=$(timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" state "$1" 2>/dev/null </dev/null) || { echo none; return; }
        jq -r '.status // "none"' <<<"$s" 2>/dev/null || echo none
}
rm_ctr() {
        local id
        for id in "$@"; do
                timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 </dev/null || true
        done
}

need jq "jq edits the configs"
ID=it710-$$
b=$(new_bundle)
mkdir -p "$b/shared" && chmod 0777 "$b/shared"
# The hook records: its kind (args[1]), env, mount and pid namespace, and the state on stdin.
cat >"$b/hook.sh" <<'HOOK'
#!/bin/sh
st=$(cat)
echo "$1 env=$HOOKENV mnt=$(readlink /proc/self/ns/mnt) pidns=$(readlink /proc/self/ns/pid) state=$st" >>"$LOG"
HOOK
chmod 0755 "$b/hook.sh"
args "$b" sleep 300
cfg "$b" '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind", "rw"]}]
  | .hooks = ((["prestart", "createRuntime", "createContainer", "poststart", "poststop"]
     | map({(.): [{path: $h, args: ["hook.sh", .], env: ["HOOKENV=e-\(.)", "LOG=\($b)/hooks.log"]}]}) | add)
     + {startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer state=$(cat) >> /shared/start.log"]}]})' \
        --arg h "$b/hook.sh" --arg b "$b" --arg s "$b/shared"

rf create --bundle "$b" "$ID"
check_eq "create with hooks" 0 "$RC" || diag "$ERR"
PID=$(oc state "$ID" | jq -r .pid)
check_eq "create ran prestart, createRuntime, createContainer in order" "prestart createRuntime createContainer" \
        "$(cut -d' ' -f1 "$b/hooks.log" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
[ -e "$b/shared/start.log" ] && fail "startContainer waits for start" || ok "startContainer waits for start"
r start "$ID"
check_eq "start with hooks" 0 "$RC" || diag "$ERR"
check_eq "start ran poststart" "prestart createRuntime createContainer poststart" \
        "$(cut -d' ' -f1 "$b/hooks.log" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
check_contains "startContainer ran in the container's root, before the process" "startContainer state=" \
        "$(cat "$b/shared/start.log" 2>/dev/null)"
line() { grep "^$1 " "$b/hooks.log" | head -n 1; }
state_of() { line "$1" | sed 's/.* state=//'; }
check_contains "hooks get their args" "createRuntime" "$(line createRuntime)"
check_contains "hooks get their env" "env=e-prestart" "$(line prestart)"
check_eq "createRuntime: state id and status on stdin" "$ID creating" "$(state_of createRuntime | jq -r '"\(.id) \(.status)"')"
check_eq "createRuntime: the pid as the runtime sees it" "$PID" "$(state_of createRuntime | jq -r .pid)"
check_eq "createRuntime: the bundle" "$b" "$(state_of createRuntime | jq -r .bundle)"
check_eq "poststart: status running" running "$(state_of poststart | jq -r .status)"
check_eq "createContainer: the pid as the container sees it" 1 "$(state_of createContainer | jq -r .pid)"
check_eq "startContainer: the pid as the container sees it" 1 "$(sed 's/.* state=//' "$b/shared/start.log" | jq -r .pid)"
hostmnt=$(readlink /proc/self/ns/mnt)
ctrmnt=$(readlink "/proc/$PID/ns/mnt")
check_contains "createRuntime runs in the runtime's mount namespace" "mnt=$hostmnt" "$(line createRuntime)"
check_contains "poststart runs in the runtime's mount namespace" "mnt=$hostmnt" "$(line poststart)"
check_contains "createContainer runs in the container's mount namespace" "mnt=$ctrmnt" "$(line createContainer)"
check_contains "createContainer runs in the container's pid namespace" "pidns=$(readlink "/proc/$PID/ns/pid")" "$(line createContainer)"
oc kill "$ID" KILL >/dev/null 2>&1
for ((i = 0; i < 50; i++)); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
r delete "$ID"
check_eq "delete with hooks" 0 "$RC"
check_eq "poststop: status stopped" stopped "$(state_of poststop | jq -r .status)"
check_contains "poststop runs in the runtime's mount namespace" "mnt=$hostmnt" "$(line poststop)"

# --- run: the same hooks, in the foreground ---
rm -f "$b/hooks.log" "$b/shared/start.log"
args "$b" true
r run --bundle "$b" "$ID-run"
check_eq "run with hooks: every runtime hook" "prestart createRuntime createContainer poststart poststop" \
        "$(cut -d' ' -f1 "$b/hooks.log" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
check_eq "run with hooks: exit status" 0 "$RC"
rm_ctr "$ID-run"

# --- timeout: the hook is killed and create fails, leaving nothing ---
b2=$(new_bundle)
args "$b2" sleep 300
cfg "$b2" '.hooks = {createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "echo $$ > \($b)/slow.pid; exec sleep 60"], timeout: 1}]}' --arg b "$b2"
t0=$(date +%s)
rf create --bundle "$b2" "$ID-slow"
t=$(($(date +%s) - t0))
[ "$RC" != 0 ] && [ $t -lt 10 ] && ok "a hook over its timeout fails create (${t} s)" || fail "a hook over its timeout fails create" "rc $RC after $t s: $ERR"
check_contains "the error names the timeout" "timeout" "$ERR"
sp=$(cat "$b2/slow.pid" 2>/dev/null)
[ -n "$sp" ] && ! kill -0 "$sp" 2>/dev/null && ok "the hook was killed" || fail "the hook was killed" "pid '$sp'"
check_eq "nothing left after the failed create" none "$(status_of "$ID-slow")"

# --- a failing prestart fails create ---
cfg "$b2" '.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo prestart-said-no; exit 3"]}]}'
rf create --bundle "$b2" "$ID-pre"
[ "$RC" != 0 ] && ok "a failing prestart hook fails create" || fail "a failing prestart hook fails create"
check_contains "the error has the hook's output and status" "prestart-said-no" "$ERR"
check_eq "nothing left after the failed prestart" none "$(status_of "$ID-pre")"

# --- v1.3: a failing poststart fails start and stops the container ---
cfg "$b2" '.hooks = {poststart: [{path: "/bin/false"}]}'
rf create --bundle "$b2" "$ID-ps"
r start "$ID-ps"
[ "$RC" != 0 ] && ok "a failing poststart hook fails start" || fail "a failing poststart hook fails start"
for ((i = 0; i < 50; i++)); do [ "$(status_of "$ID-ps")" = stopped ] && break; sleep 0.1; done
check_eq "... and the container is stopped" stopped "$(status_of "$ID-ps")"
rm_ctr "$ID-ps"

# --- poststop only warns, and the next poststop hook still runs ---
cfg "$b2" '.hooks = {poststop: [{path: "/bin/false"}, {path: "/bin/sh", args: ["sh", "-c", "touch \($b)/second-ran"]}]}' --arg b "$b2"
rf create --bundle "$b2" "$ID-pst"
r delete --force "$ID-pst"
check_eq "a failing poststop hook does not fail delete" 0 "$RC"
check_contains "... it is a warning" "warning" "$ERR"
[ -e "$b2/second-ran" ] && ok "... and the next poststop hook runs" || fail "... and the next poststop hook runs"
check_eq "... and the container is gone" none "$(status_of "$ID-pst")"

# --- a missing hook binary ---
cfg "$b2" '.hooks = {createRuntime: [{path: "/no/such/hook"}]}'
rf create --bundle "$b2" "$ID-miss"
check_contains "a missing hook binary is 'no such file or directory'" "no such file or directory" "${ERR,,}"
check_eq "nothing left after it" none "$(status_of "$ID-miss")"
done_testing
