#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 80-library.sh: tests/example-embed (built from docs/example.c), which links the shared libocirt through ocirt.h only, runs a
# container in-process: output, exit status, and errors with their JSON path.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

P=/usr/bin/probe
ID=it80-$$
read -ra EX <<<"${OCIRT_EXAMPLE:-}"
[ ${#EX[@]} -gt 0 ] || skip_all "OCIRT_EXAMPLE is not set"

# embed BUNDLE ID: run the example; OUT, ERR, RC.
embed() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 10 "${EX[@]}" "$STATE_ROOT" "$1" "$2" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}

b=$(new_bundle)
args "$b" $P echo embedded
embed "$b" "$ID-echo"
check_eq "example-embed: exit status 0" 0 "$RC"
check_eq "example-embed: the container's output, then its status" $'embedded\nexit status 0' "$OUT"
[ "$RC" -eq 0 ] || diag "stderr: $ERR"
check "example-embed: no state left" test ! -e "$STATE_ROOT/$ID-echo"
rm_ctr "$ID-echo"

args "$b" $P exit 7
embed "$b" "$ID-exit"
check_eq "example-embed: exit 7 is the program's status" 7 "$RC"
check_contains "example-embed: prints 'exit status 7'" "exit status 7" "$OUT"
rm_ctr "$ID-exit"

args "$b" $P kill-self KILL
embed "$b" "$ID-sig"
check_eq "example-embed: death by SIGKILL is 137" 137 "$RC"
check_contains "example-embed: prints 'exit status 137'" "exit status 137" "$OUT"
rm_ctr "$ID-sig"

# The embedding gets its errors as objects: message, where, hint.
args "$b" $P echo never
cfg "$b" '.linux.namespaces += [.linux.namespaces[0]]'
embed "$b" "$ID-bad"
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; then ok "example-embed: a bad config fails"; else fail "example-embed: a bad config fails" "exit $RC"; fi
check_contains "example-embed: the error's where is the JSON path" ".linux.namespaces[" "$ERR"
check_contains "example-embed: the error's message" "duplicate namespace type" "$ERR"
check_eq "example-embed: a bad config leaves no state" "" "$(state_left)"
rm_ctr "$ID-bad"

b2=$(new_bundle)
args "$b2" $P echo never
embed "$b2" "../escape"
if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; then ok "example-embed: an invalid id fails"; else fail "example-embed: an invalid id fails" "exit $RC"; fi
check_eq "example-embed: an invalid id leaves nothing" "" "$(state_left)"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
