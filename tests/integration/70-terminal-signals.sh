#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 70-terminal-signals.sh: process.terminal without a console socket gives the container a pts
# relayed by `run`, with the exit status propagated; `run` in the foreground forwards SIGTERM.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it70-$$
b=$(new_bundle)

# --- terminal ---
if command -v script >/dev/null 2>&1; then
        cfg "$b" '.process.terminal = true'
        # script(1) gives `run` a terminal of its own: this session has none.
        tty_run() { # ID: run under script(1); OUT (the terminal's output, CRs removed), RC
                local cmd
                cmd=$(printf '%q ' "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$1")
                RC=0
                OUT=$(timeout -k 2 10 script -qec "$cmd" /dev/null </dev/null 2>&1) || RC=$?
                OUT=$(tr -d '\r' <<<"$OUT")
        }
        args "$b" $P tty
        tty_run "$ID-tty"
        check_eq "terminal: exit 0" 0 "$RC"
        if grep -Eq '/dev/pts/[0-9]+' <<<"$OUT"; then ok "terminal: the container's stdin is a pts"; else fail "terminal: the container's stdin is a pts" "$OUT"; fi
        rm_ctr "$ID-tty"
        args "$b" $P echo through the terminal
        tty_run "$ID-tty2"
        check_contains "terminal: output is relayed" "through the terminal" "$OUT"
        rm_ctr "$ID-tty2"
        args "$b" $P exit 5
        tty_run "$ID-tty3"
        check_eq "terminal: the exit status is propagated" 5 "$RC"
        rm_ctr "$ID-tty3"
        args "$b" $P kill-self KILL
        tty_run "$ID-tty4"
        check_eq "terminal: death by SIGKILL is 137" 137 "$RC"
        rm_ctr "$ID-tty4"
        args "$b" $P fds
        tty_run "$ID-tty5"
        # script(1) may echo a control character in front of the first line.
        fds=$(sed -n 's/^[^0-9]*\([0-9][0-9]*\) ->.*/\1/p' <<<"$OUT" | sort -n | tr '\n' ' ' | sed 's/ $//')
        check_eq "terminal: only fds 0 1 2 in the container" "0 1 2" "$fds"
        [ "$fds" = "0 1 2" ] || diag "$OUT"
        rm_ctr "$ID-tty5"
        cfg "$b" '.process.terminal = false'
else
        for t in "terminal: exit 0" "terminal: pts" "terminal: output" "terminal: exit status" "terminal: 137" "terminal: fds"; do
                skip "$t" "script(1) is missing (util-linux)"
        done
fi

# Without a terminal, stdin is whatever the caller passed: /dev/null here, not a tty.
args "$b" $P tty
r run --bundle "$b" "$ID-notty"
if ! grep -Eq '/dev/pts/[0-9]+' <<<"$OUT"; then ok "terminal false: no pts"; else fail "terminal false: no pts" "$OUT"; fi
rm_ctr "$ID-notty"

# --- run forwards SIGTERM to the container ---
args "$b" $P signal-wait
id=$ID-fwd
"$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$id" >"$b/fwd.out" 2>"$b/fwd.err" </dev/null &
rpid=$!
wait_status "$id" running || diag "never running: $(status_of "$id")"
# The probe is pid 1: until its handler is in place TERM is ignored, so repeat until run exits.
for ((i = 0; i < 50; i++)); do
        kill -0 "$rpid" 2>/dev/null || break
        kill -TERM "$rpid" 2>/dev/null
        sleep 0.1
done
if kill -0 "$rpid" 2>/dev/null; then
        fail "run forwards SIGTERM: run exits" "still running after 5 s"
        kill -KILL "$rpid" 2>/dev/null
fi
RC=0
wait "$rpid" || RC=$?
check_eq "run forwards SIGTERM: exit 0 (the container handled it)" 0 "$RC"
check_contains "run forwards SIGTERM: the container printed it" TERM "$(cat "$b/fwd.out")"
[ "$RC" -eq 0 ] || diag "stderr: $(cat "$b/fwd.err")"
check_eq "run forwards SIGTERM: no state left" none "$(status_of "$id")"
rm_ctr "$id"

# `ocirt kill ID KILL` while `run` waits in the foreground: run reports 137.
args "$b" $P sleep 30
id=$ID-killed
"$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$id" >"$b/k.out" 2>"$b/k.err" </dev/null &
rpid=$!
wait_status "$id" running || diag "never running: $(status_of "$id")"
r kill "$id" KILL
for ((i = 0; i < 50; i++)); do
        kill -0 "$rpid" 2>/dev/null || break
        sleep 0.1
done
kill -0 "$rpid" 2>/dev/null && kill -KILL "$rpid" 2>/dev/null
RC=0
wait "$rpid" || RC=$?
check_eq "run: the container killed with 'ocirt kill ID KILL' gives 137" 137 "$RC"
check_eq "run: no state left after the kill" none "$(status_of "$id")"
rm_ctr "$id"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
