#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 110-seccomp.sh: linux.seccomp from inside the container: defaultAction, defaultErrnoRet,
# architectures, every action, errnoRet, every argument operator, the flags, unknown syscall
# names (a warning), the NOTIFY listener protocol (an agent in this script receives the fd and the
# container process state, and answers the container's syscalls), noNewPrivileges false with a
# capability set without CAP_SYS_ADMIN, and bad values refused with their JSON path.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it110-$$
b=$(new_bundle)
n=0

probe() {
        n=$((n + 1))
        args "$b" $P "$@"
        r run --bundle "$b" "$ID-$n"
        rm_ctr "$ID-$n"
}
# sc JSON: set .linux.seccomp
sc() { cfg "$b" '.linux.seccomp = $s' --argjson s "$1"; }
allow_but() { # ACTION NAMES_JSON [EXTRA_RULE_FIELDS_JSON]
        sc "$(jq -n --arg a "$1" --argjson n "$2" --argjson x "${3:-{\}}" \
                '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: $n, action: $a} + $x]}')"
}
cfg "$b" '.process.noNewPrivileges = true'

# --- ERRNO with errnoRet, and the filter is really in place ---
allow_but SCMP_ACT_ERRNO '["mkdir","mkdirat"]' '{"errnoRet": 18}'
probe try mkdir:/tmp/x getpid
check_eq "ERRNO errnoRet 18: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || diag "$ERR"
check_eq "ERRNO errnoRet 18: mkdir fails with EXDEV" EXDEV "$(kv mkdir:/tmp/x "$OUT")"
check_eq "ERRNO: other syscalls pass" ok "$(kv getpid "$OUT")"
probe seccomp
check_eq "a filter is active: Seccomp=2" 2 "$(kv Seccomp "$OUT")"
allow_but SCMP_ACT_ERRNO '["mkdir","mkdirat"]'
probe try mkdir:/tmp/x
check_eq "ERRNO without errnoRet: EPERM" EPERM "$(kv mkdir:/tmp/x "$OUT")"

# --- defaultAction ERRNO with defaultErrnoRet: an allow list ---
sc '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 18,
     "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
     "syscalls": [{"names": ["execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
                             "mprotect", "readlinkat", "readlink", "getrandom", "write", "writev", "exit_group", "exit",
                             "uname", "mmap", "munmap", "fstat", "newfstatat", "ioctl", "getpid", "close", "read",
                             "openat", "sendmsg", "rt_sigaction", "rt_sigprocmask", "futex", "statx", "lseek"],
                   "action": "SCMP_ACT_ALLOW"}]}'
if [ "$(uname -m)" = x86_64 ]; then
        probe try getpid getppid
        check_eq "defaultAction ERRNO: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        check_eq "defaultAction ERRNO: an allowed syscall passes" ok "$(kv getpid "$OUT")"
        check_eq "defaultErrnoRet 18: any other fails with EXDEV" EXDEV "$(kv getppid "$OUT")"
else
        skip "defaultAction ERRNO allow list" "the list is written for x86_64"
fi

# --- the other actions ---
for a in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
        allow_but $a '["getppid"]'
        probe try getpid getppid
        check_eq "$a: the process dies of SIGSYS (exit 159)" 159 "$RC"
        [ "$RC" -eq 159 ] || diag "$OUT" "$ERR"
done
allow_but SCMP_ACT_TRACE '["getppid"]' '{"errnoRet": 18}'
probe try getppid
check_eq "TRACE with no tracer: the syscall fails with ENOSYS" ENOSYS "$(kv getppid "$OUT")"
allow_but SCMP_ACT_LOG '["getppid"]'
probe try getppid
check_eq "LOG: the syscall runs" ok "$(kv getppid "$OUT")"
sc '{"defaultAction": "SCMP_ACT_LOG", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
probe try getpid getppid
check_eq "defaultAction LOG: syscalls run" ok "$(kv getpid "$OUT")"
check_eq "defaultAction LOG: the ERRNO rule applies" EXDEV "$(kv getppid "$OUT")"
sc '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ALLOW"}]}'
probe try getppid
check_eq "ALLOW rule equal to the default: accepted, no effect" ok "$(kv getppid "$OUT")"

# --- argument comparisons: umask(2) with arg0 OP 022 (MASKED_EQ: arg0 & 0700 == 0700) ---
# expected results for umask 0, 022, 077, 0700
declare -A want=(
        [SCMP_CMP_NE]="EXDEV ok EXDEV EXDEV" [SCMP_CMP_LT]="EXDEV ok ok ok" [SCMP_CMP_LE]="EXDEV EXDEV ok ok"
        [SCMP_CMP_EQ]="ok EXDEV ok ok" [SCMP_CMP_GE]="ok EXDEV EXDEV EXDEV" [SCMP_CMP_GT]="ok ok EXDEV EXDEV"
        [SCMP_CMP_MASKED_EQ]="ok ok ok EXDEV"
)
for op in SCMP_CMP_NE SCMP_CMP_LT SCMP_CMP_LE SCMP_CMP_EQ SCMP_CMP_GE SCMP_CMP_GT SCMP_CMP_MASKED_EQ; do
        if [ $op = SCMP_CMP_MASKED_EQ ]; then a='{"index": 0, "value": 448, "valueTwo": 448, "op": "SCMP_CMP_MASKED_EQ"}'; else a="{\"index\": 0, \"value\": 18, \"op\": \"$op\"}"; fi
        allow_but SCMP_ACT_ERRNO '["umask"]' "{\"errnoRet\": 18, \"args\": [$a]}"
        probe try umask:0 umask:22 umask:77 umask:700
        got="$(kv umask:0 "$OUT") $(kv umask:22 "$OUT") $(kv umask:77 "$OUT") $(kv umask:700 "$OUT")"
        check_eq "args $op: umask 0 022 077 0700" "${want[$op]}" "$got"
        [ "$got" = "${want[$op]}" ] || diag "$ERR"
done
# Two comparisons of one argument: like runc, the rule matches when either does.
allow_but SCMP_ACT_ERRNO '["umask"]' '{"errnoRet": 18, "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 63, "op": "SCMP_CMP_EQ"}]}'
probe try umask:0 umask:22 umask:77
check_eq "args: two comparisons of arg 0 match either" "EXDEV ok EXDEV" "$(kv umask:0 "$OUT") $(kv umask:22 "$OUT") $(kv umask:77 "$OUT")"

# --- flags, architectures, unknown names ---
for f in SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; do
        sc "$(jq -n --arg f $f '{defaultAction: "SCMP_ACT_ALLOW", flags: [$f], syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 18}]}')"
        probe try getppid
        check_eq "flag $f: the filter loads and applies" "0 EXDEV" "$RC $(kv getppid "$OUT")"
        [ "$RC" -eq 0 ] || diag "$ERR"
done
sc '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["no_such_syscall_x", "getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
probe try getppid
check_eq "unknown syscall name: exit 0" 0 "$RC"
check_contains "unknown syscall name: a warning names it" "no_such_syscall_x" "$ERR"
check_eq "unknown syscall name: the known ones still apply" EXDEV "$(kv getppid "$OUT")"
sc '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"],
     "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
probe try getppid
check_eq "several architectures: the filter applies" "0 EXDEV" "$RC $(kv getppid "$OUT")"

# --- noNewPrivileges false and no CAP_SYS_ADMIN: still loaded, CAP_SYS_ADMIN not left behind ---
cfg "$b" '.process.noNewPrivileges = false'
allow_but SCMP_ACT_ERRNO '["getppid"]' '{"errnoRet": 18}'
probe try getppid
check_eq "nnp false: the filter applies" "0 EXDEV" "$RC $(kv getppid "$OUT")"
[ "$RC" -eq 0 ] || diag "$ERR"
probe caps
eff=$(kv CapEff "$OUT")
if [ -n "$eff" ] && [ $(( 0x$eff & (1 << 21) )) -eq 0 ]; then ok "nnp false: CAP_SYS_ADMIN is not left in CapEff ($eff)"; else fail "nnp false: CAP_SYS_ADMIN is not left in CapEff" "$OUT" "$ERR"; fi
probe nnp
check_eq "nnp false: NoNewPrivs stays 0" 0 "$(kv NoNewPrivs "$OUT")"
allow_but SCMP_ACT_ERRNO '["capset"]'
probe try getpid
if [ "$RC" -ne 0 ] && [[ $ERR == *capset* ]]; then ok "nnp false and capset denied: a clear error"; else fail "nnp false and capset denied: a clear error" "rc=$RC" "$ERR"; fi
cfg "$b" '.process.noNewPrivileges = true'
probe try getpid
check_eq "nnp true and capset denied: runs (no capset after the load)" "0 ok" "$RC $(kv getpid "$OUT")"

# --- create + start: the filter is loaded at start, just before exec ---
allow_but SCMP_ACT_ERRNO '["getppid"]' '{"errnoRet": 18}'
args "$b" $P try getppid
rf "$_t_dir/cs.out" create --bundle "$b" "$ID-cs"
check_eq "create with a filter: exit 0" 0 "$RC"
r start "$ID-cs"
check_eq "start: exit 0" 0 "$RC"
wait_until 5 grep -q getppid "$_t_dir/cs.out"
check_eq "create+start: the filter applies" EXDEV "$(kv getppid "$(cat "$_t_dir/cs.out")")"
rm_ctr "$ID-cs"

# --- NOTIFY: the listener protocol, with an agent that answers EMLINK ---
if command -v python3 >/dev/null 2>&1; then
        agent="$_t_dir/agent.py"
        cat >"$agent" <<'PY'
import array, fcntl, json, os, select, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path); srv.listen(1); srv.settimeout(20)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
data = msg
conn.settimeout(5)
while True:  # the state may come in several pieces; the runtime closes after it
    try:
        chunk = conn.recv(65536)
    except socket.timeout:
        break
    if not chunk:
        break
    data += chunk
for level, typ, d in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(d[: len(d) - len(d) % fds.itemsize])
st = json.loads(data)
st["_nfds"] = len(fds)
with open(out, "w") as f:
    json.dump(st, f)
if len(fds) != 1:
    sys.exit(2)
nfd = fds[0]
RECV, SEND = 0xC0502100, 0xC0182101  # SECCOMP_IOCTL_NOTIF_RECV / _SEND (x86_64 layout)
count = 0
while True:
    r, _, _ = select.select([nfd], [], [], 20)
    if not r:
        break
    buf = bytearray(80)
    try:
        fcntl.ioctl(nfd, RECV, buf, True)
    except OSError:
        break  # the filter's last user is gone
    nid, pid, flags, nr = struct.unpack_from("=QIIi", buf)
    resp = bytearray(struct.pack("=QqiI", nid, 0, -31, 0))  # EMLINK
    try:
        fcntl.ioctl(nfd, SEND, resp, True)
        count += 1
    except OSError:
        pass
with open(out + ".count", "w") as f:
    f.write(str(count))
PY
        sock="$_t_dir/agent.sock"
        python3 "$agent" "$sock" "$_t_dir/agent.json" &
        apid=$!
        wait_until 5 test -S "$sock"
        sc "$(jq -n --arg p "$sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p, listenerMetadata: "meta-data 1",
                                       flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
                                       syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
        n=$((n + 1))
        args "$b" $P try getpid mkdir:/tmp/n1
        r run --bundle "$b" "$ID-$n"
        check_eq "NOTIFY: run exits 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        check_eq "NOTIFY: the agent's answer (EMLINK) reaches the container" EMLINK "$(kv mkdir:/tmp/n1 "$OUT")"
        check_eq "NOTIFY: other syscalls run" ok "$(kv getpid "$OUT")"
        wait "$apid"
        st=$(cat "$_t_dir/agent.json" 2>/dev/null)
        check_eq "NOTIFY: exactly one fd with the state" 1 "$(jq -r '._nfds' <<<"$st")"
        check_eq "NOTIFY: fds is [\"seccompFd\"]" '["seccompFd"]' "$(jq -c '.fds' <<<"$st")"
        check_eq "NOTIFY: metadata is listenerMetadata" "meta-data 1" "$(jq -r '.metadata' <<<"$st")"
        check_eq "NOTIFY: state.id is the container's" "$ID-$n" "$(jq -r '.state.id' <<<"$st")"
        if [ "$(jq -r '.pid' <<<"$st")" -gt 0 ] 2>/dev/null && [ "$(jq -r '.pid' <<<"$st")" = "$(jq -r '.state.pid' <<<"$st")" ]; then
                ok "NOTIFY: pid is the container's"
        else
                fail "NOTIFY: pid is the container's" "$st"
        fi
        if jq -e '.ociVersion | type == "string"' <<<"$st" >/dev/null; then ok "NOTIFY: ociVersion is given"; else fail "NOTIFY: ociVersion is given" "$st"; fi
        check_eq "NOTIFY: the agent answered one notification" 1 "$(cat "$_t_dir/agent.json.count" 2>/dev/null)"
        rm_ctr "$ID-$n"

        # create + start: the fd goes to the agent at start, through `ocirt start`.
        rm -f "$sock" "$_t_dir/agent.json"
        python3 "$agent" "$sock" "$_t_dir/agent.json" &
        apid=$!
        wait_until 5 test -S "$sock"
        rf "$_t_dir/ncs.out" create --bundle "$b" "$ID-ncs"
        check_eq "NOTIFY create: exit 0" 0 "$RC"
        r start "$ID-ncs"
        check_eq "NOTIFY start: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        wait_until 5 grep -q mkdir "$_t_dir/ncs.out"
        check_eq "NOTIFY create+start: the agent's answer reaches the container" EMLINK "$(kv mkdir:/tmp/n1 "$(cat "$_t_dir/ncs.out")")"
        wait "$apid"
        check_eq "NOTIFY create+start: state.id" "$ID-ncs" "$(jq -r '.state.id' "$_t_dir/agent.json" 2>/dev/null)"
        rm_ctr "$ID-ncs"

        # Nobody listening: the container must not run unsupervised.
        probe try getpid
        if [ "$RC" -ne 0 ] && [[ $ERR == *listenerPath* ]]; then ok "NOTIFY with no agent: fails, naming listenerPath"; else fail "NOTIFY with no agent: fails, naming listenerPath" "rc=$RC" "$ERR"; fi
else
        skip "NOTIFY listener" "python3 is missing (the test agent)"
fi

# --- refused configs ---
refused() { # DESC NEEDLE
        if [ "$RC" -ne 0 ] && [[ $ERR == *"$2"* ]]; then ok "$1"; else fail "$1" "rc=$RC" "$ERR"; fi
}
sc '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
probe try getpid
refused "NOTIFY without listenerPath: refused with the JSON path" ".linux.seccomp"
sc "$(jq -n --arg p "$_t_dir/x.sock" '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p, syscalls: [{names: ["sendmsg"], action: "SCMP_ACT_NOTIFY"}]}')"
probe try getpid
refused "NOTIFY on sendmsg (the runtime's own last call): refused with the JSON path" ".linux.seccomp.syscalls[0]"
sc "$(jq -n --arg p "$_t_dir/x.sock" '{defaultAction: "SCMP_ACT_NOTIFY", listenerPath: $p}')"
probe try getpid
refused "defaultAction NOTIFY: refused with the JSON path" ".linux.seccomp.defaultAction"
sc '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_FOO"}]}'
probe try getpid
refused "unknown action: refused with the JSON path" ".linux.seccomp.syscalls[0].action"
sc '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}'
probe try getpid
refused "errnoRet with KILL: refused with the JSON path" ".linux.seccomp.syscalls[0]"
sc '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BOGUS"}]}]}'
probe try getpid
refused "unknown operator: refused with the JSON path" ".linux.seccomp.syscalls[0].args[0]"

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
