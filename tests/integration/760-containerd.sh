#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 760-containerd.sh: Debian's containerd (1.6) with its runc shim v2 driving ocirt (root only): a
# private containerd (its own socket, root and state dirs, no CRI plugin), `ctr run` attached and
# detached with the runc-compatible binary pointed at ocirt, exec, kill, delete.
source "$OCIRT_TESTS/lib/common.sh"
is_root || skip_all "containerd runs as root (this is the user pass)"
need containerd "containerd is not installed (tests/setup-host installs it)"
need ctr "ctr is not installed"
need containerd-shim-runc-v2 "containerd-shim-runc-v2 is not installed"

T=$(mktemp -d /tmp/occd.XXXXXX) || exit 1
NS=ocirt$$
SOCK=$T/c.sock
cat >"$T/config.toml" <<TOML
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
# What a Kubernetes node would use (the CRI plugin; ctr passes --runc-binary itself).
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  BinaryName = "$OCIRT_BIN"
TOML
containerd --config "$T/config.toml" >"$T/containerd.log" 2>&1 &
CPID=$!
stop_containerd() {
        local p
        timeout 10 ctr -a "$SOCK" -n "$NS" task kill -s SIGKILL cd-d >/dev/null 2>&1
        for id in cd-a cd-d; do
                timeout 10 ctr -a "$SOCK" -n "$NS" task delete -f "$id" >/dev/null 2>&1
                timeout 10 ctr -a "$SOCK" -n "$NS" container delete "$id" >/dev/null 2>&1
        done
        kill "$CPID" 2>/dev/null
        wait "$CPID" 2>/dev/null
        # Shims we started (their command line names our socket).
        for p in $(pgrep -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        for m in $(awk -v d="$T" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do umount -l "$m" 2>/dev/null; done
        rm -rf "$T"
}
trap 'rc=$?; stop_containerd; (exit $rc); _t_cleanup' EXIT
wait_until 20 ctr -a "$SOCK" version || { fail "containerd starts" "$(tail -n 20 "$T/containerd.log")"; done_testing; }
ok "containerd starts"

C=(ctr -a "$SOCK" -n "$NS")
RUNC=(--runtime io.containerd.runc.v2 --runc-binary "$OCIRT_BIN" --env PATH=/usr/bin:/bin --rootfs "$OCIRT_ROOTFS")
c() { # ctr ARGS with a time limit; sets OUT, ERR, RC
        local e
        e=$(mktemp "$T/err.XXXXXX")
        RC=0
        OUT=$(timeout -k 5 60 "${C[@]}" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}

c run --rm "${RUNC[@]}" cd-a sh -c 'echo hello from ocirt; exit 3'
check_eq "ctr run (attached): output" "hello from ocirt" "$OUT" || diag "$ERR"
check_eq "ctr run (attached): exit code" 3 "$RC"

c run -d "${RUNC[@]}" cd-d sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
check_eq "ctr run -d" 0 "$RC" || diag "$ERR"
wait_until 10 sh -c "${C[*]} task ls | grep -q 'cd-d .*RUNNING'"
c task ls
check_contains "the task runs" RUNNING "$(grep cd-d <<<"$OUT")"
check_contains "ocirt holds its state (the shim's --root)" cd-d "$("$OCIRT_BIN" --root "/run/containerd/runc/$NS" list 2>/dev/null)"
c task exec --exec-id e1 cd-d sh -c 'echo in exec; exit 4'
check_eq "ctr task exec: output" "in exec" "$OUT" || diag "$ERR"
check_eq "ctr task exec: exit code" 4 "$RC"
c task exec --exec-id e2 --user 1 cd-d id -u
check_eq "ctr task exec --user" 1 "$OUT"
c task ps cd-d
check_contains "ctr task ps lists the init" "$("${C[@]}" task ls 2>/dev/null | awk '$1 == "cd-d" { print $2 }')" "$OUT"
c task kill -s SIGTERM cd-d
check_eq "ctr task kill" 0 "$RC"
wait_until 10 sh -c "${C[*]} task ls | grep -q 'cd-d .*STOPPED'"
check_contains "the task stopped" STOPPED "$("${C[@]}" task ls 2>/dev/null | grep cd-d)"
c task delete cd-d
check_eq "ctr task delete" 0 "$RC" || diag "$ERR"
c container delete cd-d
check_eq "ctr container delete" 0 "$RC"
check_eq "ocirt's state is gone" "" "$("$OCIRT_BIN" --root "/run/containerd/runc/$NS" list -q 2>/dev/null)"

if command -v runc >/dev/null 2>&1; then
        c run --rm --runtime io.containerd.runc.v2 --runc-binary "$(command -v runc)" --env PATH=/usr/bin:/bin --rootfs "$OCIRT_ROOTFS" cd-a sh -c 'echo hi; exit 3'
        if [ "$RC" = 3 ]; then ok "runc beside: ctr run"; else skip "runc beside: ctr run" "runc fails here too: $(head -c 200 <<<"$ERR")"; fi
fi
done_testing
