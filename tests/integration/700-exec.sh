#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 700-exec.sh: `ocirt exec` into a running container: every namespace of the init, output and exit
# status, signals, --tty (relayed and 50 times in a row), --user strictness, the pid file only after
# the process runs, --env/--cwd/--process/--preserve-fds/--cap, no leaked fds, refusals.
source "$OCIRT_TESTS/lib/common.sh"
# r ARGS...: ocirt --root STATE_ROOT ARGS with a time limit; sets OUT, ERR and RC.
r() {
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
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
ID=it700-$$
b=$(new_bundle)
args "$b" sleep 300
"$OCIRT_BIN" --root "$STATE_ROOT" run -d --bundle "$b" "$ID" >/dev/null 2>"$b/run.err" </dev/null
if [ "$(status_of "$ID")" != running ]; then
        fail "the container runs" "$(cat "$b/run.err")"
        done_testing
fi
ok "the container runs"
PID=$(oc state "$ID" | jq -r .pid)

# --- output, exit status, namespaces ---
r exec "$ID" sh -c 'echo hello; echo oops >&2; exit 7'
check_eq "exec: stdout" hello "$OUT"
check_eq "exec: the exit status" 7 "$RC"
check_contains "exec: stderr" oops "$ERR"
r exec "$ID" sh -c 'kill -9 $$'
check_eq "exec: death by SIGKILL is 137" 137 "$RC"

same=1
for ns in user mnt pid net ipc uts cgroup; do
        want=$(readlink "/proc/$PID/ns/$ns" 2>/dev/null) || continue
        r exec "$ID" readlink "/proc/self/ns/$ns"
        if [ "$OUT" != "$want" ]; then
                same=0
                diag "$ns: init $want, exec $OUT $ERR"
        fi
done
[ $same = 1 ] && ok "exec: every namespace is the init's" || fail "exec: every namespace is the init's"
r exec "$ID" sh -c 'echo $$'
[ "$OUT" -gt 1 ] 2>/dev/null && [ "$OUT" -lt 1000 ] && ok "exec: a small pid in the container's pid namespace ($OUT)" ||
        fail "exec: a small pid in the container's pid namespace" "$OUT $ERR"
r exec "$ID" sh -c "tr \"\\\\0\" \" \" </proc/1/cmdline"
check_contains "exec: pid 1 is the container's process" sleep "$OUT"
r exec "$ID" /usr/bin/probe fds
fds=$(sed -n 's/^[^0-9]*\([0-9][0-9]*\) ->.*/\1/p' <<<"$OUT" | sort -n | tr '\n' ' ' | sed 's/ $//')
check_eq "exec: only fds 0 1 2 reach the process" "0 1 2" "$fds"
r exec "$ID" sh -c 'grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status'
want_bnd=$(grep CapBnd "/proc/$PID/status" | awk '{print $2}')
check_contains "exec: the container's bounding set" "$want_bnd" "$OUT"

# --- flags ---
r exec --env FOO=bar --env PATH=/bin:/usr/bin --cwd /proc "$ID" sh -c 'echo $FOO $PATH $(pwd)'
check_eq "exec: --env and --cwd" "bar /bin:/usr/bin /proc" "$OUT"
r exec "$ID" sh -c 'echo $HOME'
check_eq "exec: HOME from the container's passwd" "/root" "$OUT"
r exec --cap CAP_SYS_ADMIN "$ID" sh -c 'grep CapEff /proc/self/status'
eff=$(awk '{print $2}' <<<"$OUT")
[ -n "$eff" ] && (( (0x$eff >> 21) & 1 )) && ok "exec: --cap adds the capability" || fail "exec: --cap adds the capability" "$OUT $ERR"
if is_root; then
        r exec --user 1000:1001 "$ID" id
        check_eq "exec: --user UID:GID" "uid=1000 gid=1001" "$OUT"
        r exec --user 1000 --additional-gids 5 --additional-gids 7 "$ID" id -G
        check_contains "exec: --additional-gids" "5 7" "$OUT"
else
        r exec --user 0:0 "$ID" id -u
        check_eq "exec: --user 0:0 (the only mapped id)" 0 "$OUT"
        # Whether uid 1000 exists in the container depends on the mapping (one id, or a subuid range).
        if awk '$1 <= 1000 && 1000 < $1 + $3 { f = 1 } END { exit !f }' "/proc/$PID/uid_map"; then
                r exec --user 1000:0 "$ID" id -u
                check_eq "exec: --user of a mapped uid" 1000 "$OUT"
        else
                r exec --user 1000 "$ID" id
                [ "$RC" != 0 ] && ok "exec: an unmapped --user fails" || fail "exec: an unmapped --user fails" "$OUT"
        fi
fi
bad=0
for u in -1 +0 " 0" "0 " 0x0 1: :1 1:2:3 4294967295 99999999999 abc "" 1:-1 1:+2 "1:2 " 1e3; do
        r exec --user "$u" "$ID" true
        if [ "$RC" = 0 ] || [[ $ERR != *--user* ]]; then
                bad=1
                diag "--user '$u' was accepted (rc $RC): $ERR"
        fi
done
[ $bad = 0 ] && ok "exec: --user rejects signs, spaces, hex, empty parts, overflow" || fail "exec: --user strictness"
r exec --additional-gids -5 "$ID" true
[ "$RC" != 0 ] && ok "exec: --additional-gids is strict too" || fail "exec: --additional-gids is strict too"

# --process FILE (what conmon and containerd pass)
jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["sh", "-c", "echo $X; pwd"], env: ["PATH=/bin:/usr/bin", "X=from-process-json"], cwd: "/etc"}' >"$b/process.json"
r exec --process "$b/process.json" "$ID"
check_eq "exec --process: args, env and cwd from the file" "from-process-json
/etc" "$OUT"
jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"], cwd: "/", execCPUAffinity: {initial: "0", final: "0"}}' >"$b/aff.json"
r exec --process "$b/aff.json" "$ID"
check_eq "exec: execCPUAffinity.final" "0" "$(awk '{print $2}' <<<"$OUT")" || diag "$ERR"
r exec --process "$b/nonexistent.json" "$ID"
check_contains "exec --process: a missing file is named" "no such file or directory" "${ERR,,}"

# --preserve-fds
echo preserved >"$b/fd3"
RC=0
OUT=$(timeout 10 "$OCIRT_BIN" --root "$STATE_ROOT" exec --preserve-fds 1 "$ID" sh -c 'cat <&3' 3<"$b/fd3" </dev/null 2>&1) || RC=$?
check_eq "exec --preserve-fds 1: fd 3 reaches the process" preserved "$OUT"

# --- pid file: written only once the process runs ---
# The detached process keeps ocirt's stdout, as runc's does (conmon reads it there): r's $(...) would
# wait for it to end, so its output goes to /dev/null here.
RC=0
timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" exec -d --pid-file "$b/ok.pid" "$ID" sleep 30 </dev/null >/dev/null 2>"$b/ok.err" || RC=$?
ERR=$(cat "$b/ok.err")
if [ "$RC" = 0 ] && [ -s "$b/ok.pid" ]; then
        p=$(cat "$b/ok.pid")
        [ "$(readlink "/proc/$p/ns/pid")" = "$(readlink "/proc/$PID/ns/pid")" ] && ok "exec -d: the pid file names the process" ||
                fail "exec -d: the pid file names the process" "pid $p"
        kill -KILL "$p" 2>/dev/null
else
        fail "exec -d: the pid file names the process" "rc $RC: $ERR"
fi
r exec -d --pid-file "$b/bad.pid" "$ID" /no/such/program
[ "$RC" != 0 ] && [ ! -e "$b/bad.pid" ] && ok "exec -d of a missing program: fails, no pid file" ||
        fail "exec -d of a missing program: fails, no pid file" "rc $RC"
check_contains "exec: a missing program is 'no such file or directory'" "no such file or directory" "${ERR,,}"
r exec "$ID" no-such-program
check_contains "exec: not in PATH is 'executable file not found'" "executable file not found" "$ERR"
r exec -d -t "$ID" sh
[ "$RC" != 0 ] && ok "exec -d -t without a console socket is refused" || fail "exec -d -t without a console socket is refused"

# --- signals: a foreground exec forwards SIGTERM ---
"$OCIRT_BIN" --root "$STATE_ROOT" exec "$ID" sleep 60 </dev/null >/dev/null 2>&1 &
epid=$!
sleep 0.5
kill -TERM "$epid" 2>/dev/null
for ((i = 0; i < 50; i++)); do kill -0 "$epid" 2>/dev/null || break; sleep 0.1; done
RC=0
if kill -0 "$epid" 2>/dev/null; then kill -KILL "$epid"; RC=timeout; fi
wait "$epid" 2>/dev/null || RC=$?
check_eq "exec: SIGTERM is forwarded (143)" 143 "$RC"

# --- 50 execs without and with a terminal ---
t0=$SECONDS
bad=0
for ((i = 0; i < 50; i++)); do
        r exec "$ID" sh -c "echo n$i"
        [ "$OUT" = "n$i" ] && [ "$RC" = 0 ] || { bad=$((bad + 1)); diag "exec $i: rc $RC out '$OUT' $ERR"; }
done
check_eq "50 execs without a terminal ($((SECONDS - t0)) s)" 0 "$bad"
if command -v script >/dev/null 2>&1; then
        t0=$SECONDS
        bad=0
        for ((i = 0; i < 50; i++)); do
                cmd=$(printf '%q ' "$OCIRT_BIN" --root "$STATE_ROOT" exec -t "$ID" sh -c "tty; exit $((i % 5))")
                RC=0
                OUT=$(timeout -k 2 10 script -qec "$cmd" /dev/null </dev/null 2>&1) || RC=$?
                [[ $OUT == *"/dev/pts/"* ]] && [ "$RC" = $((i % 5)) ] || { bad=$((bad + 1)); diag "tty exec $i: rc $RC out '$OUT'"; }
        done
        check_eq "50 execs with a terminal: a pts each, exit status kept ($((SECONDS - t0)) s)" 0 "$bad"
else
        skip "50 execs with a terminal" "script(1) is missing (util-linux)"
fi
r exec "$ID" true
check_eq "the container still runs after 100 execs" running "$(status_of "$ID")"

# --- refusals ---
r exec nosuch-$$ true
[ "$RC" != 0 ] && ok "exec into a missing container fails" || fail "exec into a missing container fails"
r exec "$ID"
[ "$RC" != 0 ] && ok "exec without a command fails" || fail "exec without a command fails"
oc kill "$ID" KILL >/dev/null 2>&1
for ((i = 0; i < 50; i++)); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
r exec "$ID" true
[ "$RC" != 0 ] && [[ $ERR == *stopped* ]] && ok "exec into a stopped container fails" || fail "exec into a stopped container fails" "rc $RC: $ERR"
rm_ctr "$ID"
done_testing
