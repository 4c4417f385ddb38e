#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 30-lifecycle.sh: create, state, start, state, kill, state, delete through created, running and
# stopped, with the state JSON checked against state-schema.json; list in its three formats; kill
# by name, SIG-name and number; a container's own exit seen by state; the errors of start, kill and
# delete in the wrong state; delete --force.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq reads the state JSON"
need python3 "python3 validates against the JSON schema"
P=/usr/bin/probe
ID=it30-$$
RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'

# check_state DESC ID STATUS: state ID succeeds, validates against the schema, has STATUS, and the
# fields ocirt adds; sets SPID to the pid it reports.
check_state() {
        local desc=$1 id=$2 want=$3 v
        r state "$id"
        SPID=
        if [ "$RC" -ne 0 ]; then
                fail "$desc: state exits 0" "exit $RC: $ERR"
                return
        fi
        printf '%s\n' "$OUT" >"$b/state.json"
        if [ -z "$OCIRT_SCHEMA_DIR" ]; then
                skip "$desc: state validates against state-schema.json" "OCIRT_SCHEMA_DIR is not set"
        elif v=$(python3 "$OCIRT_TESTS/lib/validate-schema.py" "$OCIRT_SCHEMA_DIR" state-schema.json "$b/state.json" 2>&1); then
                ok "$desc: state validates against state-schema.json"
        else
                fail "$desc: state validates against state-schema.json" "$v"$'\n'"$OUT"
        fi
        check_eq "$desc: status" "$want" "$(jq -r .status <<<"$OUT")"
        check_eq "$desc: id" "$id" "$(jq -r .id <<<"$OUT")"
        check_eq "$desc: bundle is the absolute bundle path" "$(readlink -f "$b")" "$(jq -r .bundle <<<"$OUT")"
        check_eq "$desc: rootfs is the absolute rootfs" "$(readlink -f "$OCIRT_ROOTFS")" "$(jq -r '.rootfs // ""' <<<"$OUT" | xargs -r readlink -f)"
        v=$(jq -r '.created // ""' <<<"$OUT")
        if [[ "$v" =~ $RFC3339 ]]; then ok "$desc: created is RFC 3339 ($v)"; else fail "$desc: created is RFC 3339" "'$v'"; fi
        v=$(jq -r '.owner // ""' <<<"$OUT")
        if [ "$v" = "$(id -un)" ] || [ "$v" = "$(id -u)" ]; then ok "$desc: owner is the caller ($v)"; else fail "$desc: owner is the caller" "'$v', expected $(id -un)"; fi
        SPID=$(jq -r '.pid // 0' <<<"$OUT")
        if [ "$want" = created ] || [ "$want" = running ]; then
                if [ "$SPID" -gt 0 ] 2>/dev/null && alive "$SPID"; then
                        ok "$desc: pid is a live process ($SPID)"
                else
                        fail "$desc: pid is a live process" "pid '$SPID'"
                fi
        fi
}

# --- the whole lifecycle ---
b=$(new_bundle)
args "$b" $P sleep 30
rf "$b/create.out" create --bundle "$b" "$ID"
check_eq "create: exit status 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
check_state "created" "$ID" created
cpid=$SPID
check "created: the state dir exists" test -d "$STATE_ROOT/$ID"

r start "$ID"
check_eq "start: exit status 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
check_state "running" "$ID" running
check_eq "running: the same pid as while created" "$cpid" "$SPID"
if alive "$SPID" && tr '\0' ' ' <"/proc/$SPID/cmdline" | grep -q "probe sleep 30"; then
        ok "running: the pid runs the container's args"
else
        fail "running: the pid runs the container's args" "$(tr '\0' ' ' <"/proc/$SPID/cmdline" 2>&1)"
fi
rpid=$SPID

r start "$ID"
if [ "$RC" -ne 0 ]; then ok "start of a running container fails"; else fail "start of a running container fails" "exit 0"; fi
check_eq "start of a running container: it still runs" running "$(status_of "$ID")"

# list: table, json, quiet
r list
check_eq "list: exit status 0" 0 "$RC"
if grep -E "^${ID}[[:space:]]" <<<"$OUT" | grep -q running; then ok "list: a table row for the container, running"; else fail "list: a table row for the container, running" "$OUT"; fi
r list --format json
check_eq "list --format json: exit status 0" 0 "$RC"
if jq -e . >/dev/null 2>&1 <<<"$OUT"; then ok "list --format json: parses"; else fail "list --format json: parses" "$OUT"; fi
check_eq "list --format json: lists the container, running" running \
        "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$OUT" 2>/dev/null)"
check_eq "list --format json: its pid" "$rpid" "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .pid' <<<"$OUT" 2>/dev/null)"
r list -q
check_eq "list -q: ids only" "$ID" "$OUT"

# delete of a running container without --force
r delete "$ID"
if [ "$RC" -ne 0 ]; then ok "delete of a running container without --force fails"; else fail "delete of a running container without --force fails" "exit 0"; fi
check_eq "after the refused delete: still running" running "$(status_of "$ID")"
check "after the refused delete: the process lives" alive "$rpid"

r kill "$ID" KILL
check_eq "kill ID KILL: exit status 0" 0 "$RC"
if wait_status "$ID" stopped; then ok "kill: the container stops"; else fail "kill: the container stops" "$(status_of "$ID")"; fi
check_state "stopped" "$ID" stopped
check "stopped: the process is gone" bash -c "! { [ -e /proc/$rpid ] && ! grep -q '^State:[[:space:]]*Z' /proc/$rpid/status; }"

r kill "$ID" KILL
if [ "$RC" -ne 0 ]; then ok "kill of a stopped container fails"; else fail "kill of a stopped container fails" "exit 0"; fi
r start "$ID"
if [ "$RC" -ne 0 ]; then ok "start of a stopped container fails"; else fail "start of a stopped container fails" "exit 0"; fi

r delete "$ID"
check_eq "delete: exit status 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
check "delete: no state dir left" test ! -e "$STATE_ROOT/$ID"
r state "$ID"
if [ "$RC" -ne 0 ]; then ok "state after delete fails"; else fail "state after delete fails" "$OUT"; fi
check_contains "state after delete: the error names the id" "$ID" "$ERR"
r list -q
check_eq "list -q: empty after delete" "" "$OUT"
rm_ctr "$ID"

# --- kill accepts KILL, SIGKILL and 9 ---
for sig in SIGKILL 9; do
        id=$ID-k$sig
        rf "$b/create.out" create --bundle "$b" "$id"
        r start "$id"
        r kill "$id" "$sig"
        check_eq "kill ID $sig: exit status 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "stderr: $ERR"
        if wait_status "$id" stopped; then ok "kill ID $sig: the container stops"; else fail "kill ID $sig: the container stops" "$(status_of "$id")"; fi
        rm_ctr "$id"
done
rf "$b/create.out" create --bundle "$b" "$ID-bad"
r kill "$ID-bad" NOTASIGNAL
if [ "$RC" -ne 0 ]; then ok "kill with an unknown signal fails"; else fail "kill with an unknown signal fails" "exit 0"; fi
check_contains "kill with an unknown signal: the error names it" NOTASIGNAL "$ERR"

# --- kill of a created container, then delete ---
r kill "$ID-bad" KILL
check_eq "kill of a created container: exit status 0" 0 "$RC"
if wait_status "$ID-bad" stopped; then ok "kill of a created container: it stops"; else fail "kill of a created container: it stops" "$(status_of "$ID-bad")"; fi
r delete "$ID-bad"
check_eq "delete of the killed created container" 0 "$RC"
rm_ctr "$ID-bad"

# --- a signal-wait container receives TERM and prints it ---
args "$b" $P signal-wait
id=$ID-term
rf "$b/term.out" create --bundle "$b" "$id"
r start "$id"
check_eq "signal-wait: start" 0 "$RC"
# The probe is pid 1: until it installed its handler, TERM would be ignored. Repeat until it shows.
first=
for ((i = 0; i < 50; i++)); do
        r kill "$id" TERM
        [ -n "$first" ] || first=$RC
        grep -q TERM "$b/term.out" 2>/dev/null && break
        sleep 0.1
done
check_eq "kill ID TERM: exit status 0" 0 "$first"
check_contains "signal-wait: the container prints TERM" TERM "$(cat "$b/term.out")"
rm_ctr "$id"

# --- state right after the container exits by itself ---
args "$b" $P exit 0
id=$ID-self
rf "$b/create.out" create --bundle "$b" "$id"
r state "$id"
spid=$(jq -r '.pid // 0' <<<"$OUT" 2>/dev/null)
r start "$id"
for ((i = 0; i < 50; i++)); do
        alive "$spid" || break
        sleep 0.1
done
check_eq "a container that exited by itself: state says stopped at once" stopped "$(status_of "$id")"
r delete "$id"
check_eq "delete of a container that exited by itself" 0 "$RC"
rm_ctr "$id"

# --- delete --force of a running container ---
args "$b" $P sleep 30
id=$ID-force
rf "$b/create.out" create --bundle "$b" "$id"
r start "$id"
r state "$id"
fpid=$(jq -r '.pid // 0' <<<"$OUT" 2>/dev/null)
r delete --force "$id"
check_eq "delete --force of a running container: exit status 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
check "delete --force: no state dir left" test ! -e "$STATE_ROOT/$id"
for ((i = 0; i < 50; i++)); do
        alive "$fpid" || break
        sleep 0.1
done
if ! alive "$fpid"; then ok "delete --force: the process is gone"; else fail "delete --force: the process is gone" "pid $fpid lives"; fi
rm_ctr "$id"

r delete does-not-exist-$$
if [ "$RC" -ne 0 ]; then ok "delete of an unknown container fails"; else fail "delete of an unknown container fails"; fi
r delete --force does-not-exist-$$
diag "delete --force of an unknown container: exit $RC ${ERR:+($ERR)}"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
