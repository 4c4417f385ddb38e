# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/prelude-helpers.sh: helpers shared by the rootless-helper tests (5xx), sourced after
# common.sh. (In lib/ because tests/run runs every .sh file under integration/ as a test.)
# r ARGS...: ocirt --root STATE_ROOT ARGS with a time limit; sets OUT, ERR, RC.
r() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}
# rpath DIR ARGS...: the same with PATH=DIR (a PATH stripped of the helpers).
rpath() {
        local e p=$1
        shift
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 env PATH="$p" "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}
rm_ctr() {
        local id
        for id in "$@"; do
                timeout -k 2 10 "$OCIRT_BIN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 </dev/null || true
        done
}
state_left() { # the compiled seccomp programs kept for later runs are not a container's
        ls -A "$STATE_ROOT" 2>/dev/null | grep -vx '.seccomp-cache'
}
# helper_procs NAME: pids of this script's NAME processes (found by the state root in their
# command line, working directory or parent's command line: other tests may run them too).
helper_procs() {
        local p pp out=""
        for p in $(pgrep -x -u "$(id -u)" "$1" 2>/dev/null); do
                pp=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
                if { tr '\0' ' ' <"/proc/$p/cmdline"; tr '\0' ' ' <"/proc/${pp:-0}/cmdline"; readlink "/proc/$p/cwd"; } 2>/dev/null |
                        grep -qF -- "$STATE_ROOT"; then
                        out+="${out:+ }$p"
                fi
        done
        echo "$out"
}
# failed DESC: the last command failed (not by timeout).
failed() {
        if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && [ "$RC" -ne 137 ]; then
                ok "$1: fails (exit status $RC)"
        else
                fail "$1: fails" "exit status $RC" "stdout: $OUT" "stderr: $ERR"
        fi
}
# fakebin DIR NAME SCRIPT: DIR/NAME is a shell script; DIR also holds the tools ocirt may need.
fakebin() {
        local d=$1 name=$2
        mkdir -p "$d"
        printf '#!/bin/sh\n%s\n' "$3" >"$d/$name"
        chmod 0755 "$d/$name"
}
# pathwithout DIR TOOL...: DIR holds links to the helper tools ocirt may run, except TOOLs.
pathwithout() {
        local d=$1 f t skip
        shift
        mkdir -p "$d"
        for f in newuidmap newgidmap slirp4netns fuse-overlayfs; do
                skip=0
                for t in "$@"; do [ "$f" = "$t" ] && skip=1; done
                [ $skip = 1 ] || ! command -v "$f" >/dev/null || ln -sf "$(command -v "$f")" "$d/$f"
        done
}
# host_server PORT: a TCP server on the host's 127.0.0.1:PORT only that answers "host-server" to
# every connection, in the background; waits until it accepts. Sets SERVER_PID.
host_server() {
        python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
while True:
    c, _ = s.accept()
    c.sendall(b"host-server\n")
    c.close()
' "$1" &
        SERVER_PID=$!
        wait_until 5 python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" ||
                diag "the host server on port $1 did not come up"
}
