#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 740-cli-parity.sh: the command line as runc 1.1.5 and crun 1.8.1 users rely on it (issue 12,
# items 8-14): exec has a terminal only with -t and fails with 255, kill ID 0 probes, create
# --config and spec --bundle, events survives the container's deletion, list json carries
# ociVersion, ps takes ps(1) options after the ID, --log/--log-format/--debug write runc's lines,
# a rootless owner can exec into a created container, spec --rootless --single-id is runc's
# mapping, and LISTEN_FDS passes socket-activation fds as crun does. Where runc is installed, its
# output for the same flags is the reference.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh" # status_of, rm_ctr; r is this script's own, below
# r ARGS...: ocirt --root STATE_ROOT ARGS with a time limit; sets OUT, ERR and RC. Output goes
# through files, not a pipe: a detached container keeps its stdio open.
r() {
        local o e
        o=$(mktemp)
        e=$(mktemp)
        RC=0
        timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" >"$o" 2>"$e" </dev/null || RC=$?
        OUT=$(cat "$o")
        ERR=$(cat "$e")
        rm -f "$o" "$e"
}
# in_tty CMD...: run CMD on a pseudo-terminal (background shells have none); prints its output.
in_tty() {
        local cmd
        cmd=$(printf '%q ' "$@")
        timeout -k 2 20 script -qec "$cmd" /dev/null </dev/null 2>&1
}
have_runc() { command -v runc >/dev/null 2>&1; }

need jq "jq edits the configs"
P=cli740-$$

# ---- 8. exec: a terminal only with -t ----------------------------------------------------------
b=$(new_bundle)
args "$b" sleep 300
r run -d --bundle "$b" "$P-x"
if [ "$(status_of "$P-x")" != running ]; then
        fail "exec: the container runs" "$ERR"
else
        ok "exec: the container runs"
        # exec reads the container's config at exec time: a config that asks for a terminal
        # (as podman's and conmon's do) must not give one to an exec without -t.
        cfg "$b" '.process.terminal = true'
        r exec "$P-x" sh -c 'echo hi'
        check_eq "exec without -t: plain output, no \\r\\n although process.terminal is true" "hi" "$OUT"
        r exec "$P-x" sh -c '[ -t 1 ] && echo tty || echo notty'
        check_eq "exec without -t: stdout is not a terminal" notty "$OUT"
        r exec -d "$P-x" sleep 1
        check_eq "exec -d without -t: no console socket needed (exit 0)" 0 "$RC"
        [ -z "$ERR" ] || diag "$ERR"
        if command -v script >/dev/null 2>&1; then
                out=$(in_tty "$OCIRT_BIN" --root "$STATE_ROOT" exec -t "$P-x" tty)
                check_contains "exec -t: a terminal" /dev/pts/ "$out"
                # --process: the file's terminal applies, as in runc.
                jq '.process | .terminal = true | .args = ["tty"]' "$b/config.json" >"$b/p-tty.json"
                out=$(in_tty "$OCIRT_BIN" --root "$STATE_ROOT" exec --process "$b/p-tty.json" "$P-x")
                check_contains "exec --process with terminal true: a terminal without -t" /dev/pts/ "$out"
        else
                skip "exec -t: a terminal" "script(1) is missing (util-linux)"
                skip "exec --process with terminal true" "script(1) is missing (util-linux)"
        fi
        jq '.process | .terminal = false | .args = ["sh", "-c", "[ -t 1 ] && echo tty || echo notty"]' \
                "$b/config.json" >"$b/p-notty.json"
        r exec --process "$b/p-notty.json" "$P-x"
        check_eq "exec --process with terminal false: no terminal" notty "$OUT"
        cfg "$b" '.process.terminal = false'

        # runc: 255 when exec itself fails, the process's status otherwise.
        r exec "$P-x" /no/such/program
        check_eq "exec of a missing program: exit status 255, as runc" 255 "$RC"
        r exec "$P-x" sh -c 'exit 1'
        check_eq "exec: a process's exit status 1 stays 1" 1 "$RC"
        r exec "$P-x-nosuch" true
        check_eq "exec into a missing container: exit status 255, as runc" 255 "$RC"

        # ---- 9. kill ID 0 ----
        r kill "$P-x" 0
        check_eq "kill ID 0 of a running container: exit 0" 0 "$RC"
        [ -z "$ERR" ] || diag "$ERR"
        check_eq "kill ID 0: the container still runs" running "$(status_of "$P-x")"
        r kill --all "$P-x" 0
        check_eq "kill --all ID 0: exit 0" 0 "$RC"
        check_eq "kill --all ID 0: the container still runs" running "$(status_of "$P-x")"
fi
rm_ctr "$P-x"

b=$(new_bundle)
args "$b" true
r run -d --keep --bundle "$b" "$P-k"
wait_until 10 sh -c "[ \"\$('$OCIRT_BIN' --root '$STATE_ROOT' state '$P-k' 2>/dev/null | jq -r .status)\" = stopped ]"
r kill "$P-k" 0
[ "$RC" -ne 0 ] && ok "kill ID 0 of a stopped container fails (runc: container not running)" ||
        fail "kill ID 0 of a stopped container fails" "exit 0"
check_contains "kill ID 0 of a stopped container: the error says stopped" stopped "$ERR"
# containerd's shim turns a kill error into "process already finished" by runc's words.
r kill "$P-k" KILL
check_contains "kill of a stopped container: runc's words, which containerd matches" "container not running" "$ERR"
rm_ctr "$P-k"
r kill "$P-k" 0
[ "$RC" -ne 0 ] && ok "kill ID 0 of a missing container fails" || fail "kill ID 0 of a missing container fails" "exit 0"

# ---- 10. create --config, spec --bundle ----------------------------------------------------------
b=$(new_bundle)
args "$b" sleep 300
mv "$b/config.json" "$b/other.json"
r create --bundle "$b" --config "$b/other.json" "$P-c"
check_eq "create --config FILE (no BUNDLE/config.json): exit 0" 0 "$RC"
[ -z "$ERR" ] || diag "$ERR"
check_eq "create --config: created" created "$(status_of "$P-c")"
r exec "$P-c" sh -c 'echo in'
check_eq "create --config: exec reads the config create was given" in "$OUT"
r start "$P-c"
check_eq "create --config: start" running "$(status_of "$P-c")"
rm_ctr "$P-c"
r create --bundle "$b" -f "$b/missing.json" "$P-c2"
[ "$RC" -ne 0 ] && ok "create -f MISSING fails" || fail "create -f MISSING fails" "exit 0"
check_contains "create -f MISSING: the error names the file" missing.json "$ERR"
check_eq "create -f MISSING: nothing left" none "$(status_of "$P-c2")"

d=$(mktemp -d "$_t_dir/spec.XXXXXX")
r spec --bundle "$d"
check_eq "spec --bundle DIR: exit 0" 0 "$RC"
jq -e .process "$d/config.json" >/dev/null 2>&1 && ok "spec --bundle DIR: writes DIR/config.json" ||
        fail "spec --bundle DIR: writes DIR/config.json" "$(ls -l "$d")"
d=$(mktemp -d "$_t_dir/spec.XXXXXX")
r spec -b "$d"
jq -e .process "$d/config.json" >/dev/null 2>&1 && ok "spec -b DIR: writes DIR/config.json" ||
        fail "spec -b DIR: writes DIR/config.json" "$ERR"

# ---- 11. events survives the container's deletion ----------------------------------------------
b=$(new_bundle)
args "$b" sleep 300
r run -d --bundle "$b" "$P-ev"
ev1=$_t_dir/ev1.out
ev2=$_t_dir/ev2.out
timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" events "$P-ev" >"$ev1" 2>&1 </dev/null &
pid1=$!
timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" events --interval 200ms "$P-ev" >"$ev2" 2>&1 </dev/null &
pid2=$!
sleep 1
rm_ctr "$P-ev"
wait "$pid1"
rc1=$?
wait "$pid2"
rc2=$?
for pair in "events:$rc1:$ev1" "events --interval 200ms:$rc2:$ev2"; do
        name=${pair%%:*}
        rest=${pair#*:}
        rc=${rest%%:*}
        file=${rest#*:}
        if is_root; then
                check_eq "$name, container deleted meanwhile: exits 0 (runc: 0), no crash" 0 "$rc" || diag "$(cat "$file")"
        elif [ "$rc" -eq 1 ] && grep -q "no cgroup" "$file"; then
                ok "$name, rootless without a cgroup: a clear error, no crash"
        else
                fail "$name, rootless without a cgroup: a clear error, no crash" "exit status $rc" "$(cat "$file")"
        fi
done
r events --stats "$P-ev"
check_eq "events --stats of a deleted container: exit 1" 1 "$RC"
check_contains "events --stats of a deleted container: the error says so" "does not exist" "$ERR"

# ---- 12. list json, ps options, logs -------------------------------------------------------------
b=$(new_bundle)
args "$b" sleep 300
r run -d --bundle "$b" "$P-l"
IPID=$(oc state "$P-l" 2>/dev/null | jq -r .pid)
r list --format json
entry=$(jq -c --arg id "$P-l" '.[] | select(.id == $id)' <<<"$OUT" 2>/dev/null)
check_eq "list --format json: runc's fields, in runc's order" \
        '["ociVersion","id","pid","status","bundle","rootfs","created","owner"]' "$(jq -c keys_unsorted <<<"$entry")"
check_eq "list --format json: ociVersion is the state's" "$(oc state "$P-l" | jq -r .ociVersion)" \
        "$(jq -r .ociVersion <<<"$entry")"

r ps "$P-l" -o pid,comm
if is_root; then
        check_eq "ps ID -o pid,comm: ps(1) options after the ID (exit 0)" 0 "$RC" || diag "$ERR"
        check_contains "ps ID -o pid,comm: ps's header" "PID COMMAND" "$OUT"
        check_contains "ps ID -o pid,comm: the init, as pid and comm" "$IPID sleep" "$(tr -s ' ' <<<"$OUT" | sed 's/^ //')"
        r ps "$P-l" -- -o pid,comm
        check_contains "ps ID -- -o pid,comm: the same" "PID COMMAND" "$OUT"
        r ps --format json "$P-l"
        check_contains "ps --format json ID: the pids" "$IPID" "$OUT"
else
        # No cgroup, no pid list: a clear error rather than another command's options.
        check_contains "rootless ps without a cgroup: a clear error" "no cgroup" "$ERR"
fi
rm_ctr "$P-l"

log=$_t_dir/json.log
r --log "$log" --log-format json state "$P-nosuch"
check_eq "--log-format json: an error exits 1" 1 "$RC"
check_eq "--log-format json: one line" 1 "$(wc -l <"$log")"
check_eq "--log-format json: level, msg, time (runc's keys)" '["level","msg","time"]' "$(jq -c 'keys' "$log" 2>&1)"
check_eq "--log-format json: level error" error "$(jq -r .level "$log" 2>&1)"
check_contains "--log-format json: msg is the error" "does not exist" "$(jq -r .msg "$log" 2>&1)"
if jq -r .time "$log" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'; then
        ok "--log-format json: time is RFC 3339"
else
        fail "--log-format json: time is RFC 3339" "$(cat "$log")"
fi
tlog=$_t_dir/text.log
r --log "$tlog" state "$P-nosuch"
if grep -Eq '^time="[^"]+" level=error msg=".*does not exist.*"$' "$tlog"; then
        ok "--log (text): runc's time=\"...\" level=error msg=\"...\" line"
else
        fail "--log (text): runc's time=\"...\" level=error msg=\"...\" line" "$(cat "$tlog")"
fi
r --log-format json state "$P-nosuch"
if [ "$(wc -l <<<"$ERR")" = 1 ] && jq -e '.level == "error" and (.msg | contains("does not exist"))' >/dev/null 2>&1 <<<"$ERR"; then
        ok "--log-format json without --log: one JSON line on stderr, as runc"
else
        fail "--log-format json without --log: one JSON line on stderr, as runc" "$ERR"
fi
if have_runc; then
        rlog=$_t_dir/runc.log
        runc --root "$_t_dir/runc-state" --log "$rlog" --log-format json state "$P-nosuch" >/dev/null 2>&1
        check_eq "--log-format json: the same keys as runc's" "$(jq -c keys "$rlog" 2>&1)" "$(jq -c keys "$log" 2>&1)"
        rtlog=$_t_dir/runc-text.log
        runc --root "$_t_dir/runc-state" --log "$rtlog" state "$P-nosuch" >/dev/null 2>&1
        check_eq "--log (text): the same shape as runc's" \
                "$(sed -E 's/"[^"]*"/""/g' "$rtlog")" "$(sed -E 's/"[^"]*"/""/g' "$tlog")"
else
        skip "--log-format json: the same keys as runc's" "runc is not installed"
        skip "--log (text): the same shape as runc's" "runc is not installed"
fi
dlog=$_t_dir/debug.log
b=$(new_bundle)
r --debug --log "$dlog" --log-format json run --bundle "$b" "$P-d"
check_eq "--debug --log F --log-format json run: exit 0" 0 "$RC"
if [ -s "$dlog" ] && jq -e -s 'all(.[]; (keys == ["level", "msg", "time"]))' "$dlog" >/dev/null 2>&1 &&
        jq -e -s 'any(.[]; .level == "debug")' "$dlog" >/dev/null 2>&1; then
        ok "--debug: debug lines in the log, each a {level,msg,time} object"
else
        fail "--debug: debug lines in the log, each a {level,msg,time} object" "$(head -5 "$dlog")"
fi
rm_ctr "$P-d"

# ---- 13. exec into a created container (rootless: the init's /proc/PID/ns) ----------------------
b=$(new_bundle)
args "$b" sleep 300
r create --bundle "$b" "$P-cr"
check_eq "create: created" created "$(status_of "$P-cr")"
r exec "$P-cr" sh -c 'echo joined'
check_eq "exec into a created container works" joined "$OUT" || diag "$ERR"
CPID=$(oc state "$P-cr" 2>/dev/null | jq -r .pid)
r exec "$P-cr" readlink /proc/self/ns/user
# readlink prints nothing when it may not look: as the rootless owner before the fix.
want=$(readlink "/proc/$CPID/ns/user" 2>/dev/null)
check_eq "exec into a created container: the init's user namespace" "${want:-the owner may not read it}" "$OUT"
r start "$P-cr"
check_eq "start after an exec into the created container" running "$(status_of "$P-cr")"
rm_ctr "$P-cr"
# The init has already become process.user when it waits: a mapped non-root user (rootless: a
# subordinate id, not the owner's own) must not hide it either.
if is_root || jq -e '[.linux.uidMappings[]? | select(.containerID <= 1000 and .containerID + .size > 1000)] | length > 0' \
        "$b/config.json" >/dev/null 2>&1; then
        cfg "$b" '.process.user.uid = 1000 | .process.user.gid = 1000'
        r create --bundle "$b" "$P-cu"
        r exec "$P-cu" id -u
        check_eq "exec into a created container whose process runs as uid 1000" 1000 "$OUT" || diag "$ERR"
        rm_ctr "$P-cu"
else
        skip "exec into a created container whose process runs as uid 1000" "the mapping has no uid 1000"
fi

# ---- 14. spec --rootless --single-id -------------------------------------------------------------
d=$(mktemp -d "$_t_dir/spec.XXXXXX")
r spec --rootless --single-id --bundle "$d"
check_eq "spec --rootless --single-id: exit 0" 0 "$RC"
check_eq "spec --rootless --single-id: uidMappings is your uid alone" \
        "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" "$(jq -c .linux.uidMappings "$d/config.json")"
check_eq "spec --rootless --single-id: gidMappings is your gid alone" \
        "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]" "$(jq -c .linux.gidMappings "$d/config.json")"
if have_runc; then
        rd=$(mktemp -d "$_t_dir/runc-spec.XXXXXX")
        (cd "$rd" && runc spec --rootless) >/dev/null 2>&1
        check_eq "spec --rootless --single-id: the mappings of 'runc spec --rootless'" \
                "$(jq -cS '[.linux.uidMappings, .linux.gidMappings]' "$rd/config.json" 2>&1)" \
                "$(jq -cS '[.linux.uidMappings, .linux.gidMappings]' "$d/config.json")"
else
        skip "spec --rootless --single-id: the mappings of 'runc spec --rootless'" "runc is not installed"
fi
sub=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid 2>/dev/null)
subg=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subgid 2>/dev/null)
if ! is_root && [ -n "$sub" ] && [ -n "$subg" ] && command -v newuidmap >/dev/null 2>&1; then
        # A tool that appends its own range to a runc-style spec: fine with --single-id, and the
        # documented refusal with the wide default.
        for variant in single-id default; do
                d=$(mktemp -d "$_t_dir/spec.XXXXXX")
                chmod 0755 "$d"
                if [ $variant = single-id ]; then
                        "$OCIRT_BIN" spec --rootless --single-id -b "$d" >/dev/null 2>&1
                else
                        "$OCIRT_BIN" spec --rootless -b "$d" >/dev/null 2>&1
                fi
                cfg "$d" '.root.path = $rootfs | .root.readonly = true | .process.terminal = false
                          | .process.args = ["cat", "/proc/self/uid_map"]
                          | .linux.uidMappings += [{containerID: 1, hostID: $s, size: 1000}]
                          | .linux.gidMappings += [{containerID: 1, hostID: $g, size: 1000}]' \
                        --arg rootfs "$OCIRT_ROOTFS" --argjson s "$sub" --argjson g "$subg"
                r run --bundle "$d" "$P-m$variant"
                if [ $variant = single-id ]; then
                        check_eq "spec --rootless --single-id + an appended mapping: runs" 0 "$RC" || diag "$ERR"
                        check_eq "spec --rootless --single-id + an appended mapping: two ranges inside" 2 \
                                "$(grep -c . <<<"$OUT")"
                else
                        [ "$RC" -ne 0 ] && ok "spec --rootless (wide default) + an appended mapping: refused (documented)" ||
                                fail "spec --rootless (wide default) + an appended mapping: refused (documented)" "$OUT"
                        check_contains "the refusal names the overlap" overlaps "$ERR"
                fi
                rm_ctr "$P-m$variant"
        done
else
        skip "spec --rootless --single-id + an appended mapping" "needs a user with subordinate ids and newuidmap"
fi

# ---- LISTEN_FDS: socket activation without --preserve-fds (crun) ---------------------------------
echo three >"$_t_dir/fd3"
echo four >"$_t_dir/fd4"
b=$(new_bundle)
args "$b" sh -c 'echo "$LISTEN_FDS $LISTEN_PID $$"; cat <&3; cat <&4'
e=$(mktemp)
OUT=$(LISTEN_FDS=2 LISTEN_PID=99999 timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$P-lf" \
        3<"$_t_dir/fd3" 4<"$_t_dir/fd4" 2>"$e" </dev/null)
RC=$?
check_eq "LISTEN_FDS=2 run: exit 0" 0 "$RC" || diag "$(cat "$e")"
check_eq "LISTEN_FDS=2 run: LISTEN_FDS=2, LISTEN_PID is the process's own pid; fds 3 and 4 passed" \
        "$(printf '2 1 1\nthree\nfour')" "$OUT"
rm_ctr "$P-lf"
args "$b" sh -c 'echo "${LISTEN_FDS:-unset}"; cat <&3 || echo closed'
OUT=$(timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "$P-lf2" 3<"$_t_dir/fd3" 2>/dev/null </dev/null)
check_eq "without LISTEN_FDS: fd 3 is not passed" "$(printf 'unset\nclosed')" "$OUT"
rm_ctr "$P-lf2"
args "$b" sleep 300
r run -d --bundle "$b" "$P-lfx"
OUT=$(LISTEN_FDS=1 timeout -k 2 20 "$OCIRT_BIN" --root "$STATE_ROOT" exec "$P-lfx" \
        sh -c 'echo "$LISTEN_FDS $([ "$LISTEN_PID" = $$ ] && echo own-pid || echo "other $LISTEN_PID")"; cat <&3' \
        3<"$_t_dir/fd3" 2>"$e" </dev/null)
check_eq "LISTEN_FDS=1 exec: LISTEN_FDS=1, LISTEN_PID its own pid, fd 3 passed" "$(printf '1 own-pid\nthree')" "$OUT" ||
        diag "$(cat "$e")"
rm -f "$e"
rm_ctr "$P-lfx"

done_testing
