#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 130-console-socket.sh: process.terminal with --console-socket, as conmon and containerd use it:
# create sends exactly one pty master fd with a non-empty payload (tests/lib/recv-console.py
# checks it the way conmon does), consoleSize is applied, the container's stdio is the pty slave,
# which is its controlling terminal and is bound on /dev/console; start then runs the program
# on that terminal.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
need python3 "tests/lib/recv-console.py is the console-socket receiver"
P=/usr/bin/probe
ID=it130-$$
b=$(new_bundle)
RECV=$OCIRT_TESTS/lib/recv-console.py

# console_run ID [INPUT]: create with a console socket served by recv-console.py, start, wait
# for the receiver to see the terminal close. Sets RC (create), SRC (start), RRC (receiver), OUT
# (terminal output, CRs removed), META (the receiver's facts), RERR.
console_run() {
        local id=$1 sock out rpid
        sock=$(mktemp -u "$_t_dir/console.XXXXXX")
        out=$(mktemp "$_t_dir/out.XXXXXX")
        python3 "$RECV" "$sock" "$out" ${2:+"$2"} &
        rpid=$!
        wait_until 5 test -S "$sock" || diag "the receiver did not listen on $sock"
        rf "$out.create" create --bundle "$b" --console-socket "$sock" "$id"
        SRC=skipped
        if [ "$RC" -eq 0 ]; then
                SRC=0
                timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" start "$id" </dev/null >/dev/null 2>"$out.start" || SRC=$?
        else
                kill "$rpid" 2>/dev/null
        fi
        RRC=0
        wait "$rpid" || RRC=$?
        OUT=$(tr -d '\r' <"$out")
        META=$(cat "$out.meta" 2>/dev/null)
        RERR=$(cat "$out.err" 2>/dev/null)
}

cfg "$b" '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}'
args "$b" /bin/sh -c "$P tty; $P stat /dev/console; $P stat /proc/self/fd/0; stty size"
console_run "$ID-1"
check_eq "console socket: create exits 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "console socket: start exits 0" 0 "$SRC"
check_eq "console socket: the receiver got exactly one fd and a payload" 0 "$RRC"
[ "$RRC" -eq 0 ] || diag "$RERR"
check_eq "console socket: one fd in SCM_RIGHTS" 1 "$(kv nfds "$META")"
if [ -n "$(kv payload "$META")" ]; then ok "console socket: the payload is not empty"; else fail "console socket: the payload is not empty" "$META"; fi
check_eq "consoleSize: rows seen by the receiver" 33 "$(kv rows "$META")"
check_eq "consoleSize: cols seen by the receiver" 111 "$(kv cols "$META")"
check_contains "consoleSize: stty size inside" "33 111" "$OUT"
for i in 0 1 2; do
        check_eq "terminal: fd $i is the pty" 1 "$(kv isatty$i "$OUT")"
done
check_eq "terminal: the pty is the controlling terminal" 1 "$(kv ctty "$OUT")"
tty=$(kv ttyname "$OUT")
if [[ $tty == /dev/pts/* ]]; then ok "terminal: ttyname is a /dev/pts entry ($tty)"; else fail "terminal: ttyname is a /dev/pts entry" "$OUT"; fi
# /dev/console is the same character device as the pts (its stat comes first in the output).
con_rdev=$(grep -m1 '^rdev=' <<<"$OUT")
pts_minor=${tty#/dev/pts/}
check_eq "/dev/console is bound to the container's pty" "rdev=136:$pts_minor" "$con_rdev"
[ "$con_rdev" = "rdev=136:$pts_minor" ] || diag "$OUT"
rm_ctr "$ID-1"

# Input typed on the receiver's side reaches the program.
args "$b" /bin/sh -c 'read -r line; echo "got:$line"'
console_run "$ID-2" $'hello console\n'
check_eq "console: create+start exit 0" "0 0" "$RC $SRC"
check_contains "console: input written to the master reaches the program" "got:hello console" "$OUT"
rm_ctr "$ID-2"

# Without --console-socket a detached terminal container is refused, naming the flag.
rf "$_t_dir/nocon" create --bundle "$b" "$ID-3"
if [ "$RC" -ne 0 ] && [[ $ERR == *--console-socket* ]]; then ok "terminal without --console-socket: refused, naming the flag"; else fail "terminal without --console-socket: refused, naming the flag" "rc=$RC" "$ERR"; fi
rm_ctr "$ID-3"

# A console socket nobody listens on: a clear error, nothing left behind.
rf "$_t_dir/nolisten" create --bundle "$b" --console-socket "$_t_dir/nobody.sock" "$ID-4"
if [ "$RC" -ne 0 ] && [[ $ERR == *console-socket* ]]; then ok "unreachable console socket: create fails, naming it"; else fail "unreachable console socket: create fails, naming it" "rc=$RC" "$ERR"; fi
check_eq "unreachable console socket: no container left" none "$(status_of "$ID-4")"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
