#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 100-caps-user.sh: process.capabilities (five sets, bounding dropped, ambient raised, inheritable
# empty unless asked, a name that is no capability an error, ungrantable caps a warning),
# process.user (uid, gid, umask, additionalGids, the groups of /etc/group when none are given),
# noNewPrivileges, rlimits and oomScoreAdj, each checked from inside the container.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq edits the configs"
P=/usr/bin/probe
ID=it100-$$
b=$(new_bundle)
n=0

# probe ARGS...: run the probe in a fresh container of bundle $b; OUT, ERR, RC.
probe() {
        n=$((n + 1))
        args "$b" $P "$@"
        r run --bundle "$b" "$ID-$n"
        rm_ctr "$ID-$n"
}
# caps_cfg BOUNDING EFFECTIVE PERMITTED INHERITABLE AMBIENT: JSON arrays of names, "null" = absent.
caps_cfg() {
        cfg "$b" '.process.capabilities = ({bounding: $b, effective: $e, permitted: $p, inheritable: $i, ambient: $a}
                  | with_entries(select(.value != null)))' \
                --argjson b "$1" --argjson e "$2" --argjson p "$3" --argjson i "$4" --argjson a "$5"
}
# maps_uid N: container uid N exists (root, or a rootless config with a uid range that covers it).
maps_uid() {
        is_root && ! jq -e '.linux.uidMappings | length > 0' "$b/config.json" >/dev/null 2>&1 && return 0
        jq -e --argjson n "$1" '[.linux.uidMappings[]? | select(.containerID <= $n and $n < .containerID + .size)] | length > 0' \
                "$b/config.json" >/dev/null 2>&1 &&
                jq -e --argjson n "$1" '[.linux.gidMappings[]? | select(.containerID <= $n and $n < .containerID + .size)] | length > 0' \
                        "$b/config.json" >/dev/null 2>&1
}
hex() { printf '%016x' "$1"; }
CHOWN=$((1 << 0)) KILL=$((1 << 5)) NBS=$((1 << 10)) NET_RAW=$((1 << 13)) SYS_ADMIN=$((1 << 21))
SYS_RESOURCE=$((1 << 24))

# --- the default config: nothing inheritable or ambient (CVE-2022-29162) ---
probe caps
check_eq "default caps: exit 0" 0 "$RC"
check_eq "default caps: CapInh is empty" "$(hex 0)" "$(kv CapInh "$OUT")"
check_eq "default caps: CapAmb is empty" "$(hex 0)" "$(kv CapAmb "$OUT")"
want=$(jq -r '.process.capabilities.bounding | length' "$b/config.json")
[ "$want" -gt 0 ] && ok "default caps: the config has a bounding set ($want)" || fail "default caps: the config has a bounding set"

# --- uid 0: the sets as given (exec gives root the bounding set as permitted and effective) ---
caps_cfg '["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN","CAP_KILL"]' null null
probe caps
check_eq "caps CHOWN+KILL: CapBnd" "$(hex $((CHOWN | KILL)))" "$(kv CapBnd "$OUT")"
check_eq "caps CHOWN+KILL: CapEff" "$(hex $((CHOWN | KILL)))" "$(kv CapEff "$OUT")"
check_eq "caps CHOWN+KILL: CapPrm" "$(hex $((CHOWN | KILL)))" "$(kv CapPrm "$OUT")"
check_eq "caps CHOWN+KILL: CapInh empty when not asked" "$(hex 0)" "$(kv CapInh "$OUT")"

caps_cfg '["CAP_CHOWN","CAP_KILL","CAP_NET_RAW"]' '["CAP_KILL"]' '["CAP_KILL"]' '["CAP_KILL"]' null
probe caps
check_eq "bounding with NET_RAW: CapBnd" "$(hex $((CHOWN | KILL | NET_RAW)))" "$(kv CapBnd "$OUT")"
check_eq "inheritable asked: CapInh = KILL" "$(hex $KILL)" "$(kv CapInh "$OUT")"

# --- the bounding set holds even where /proc is not a procfs: a status file that the image or a
# bind puts at /proc/self/status must not decide what the init drops (ocirt asks the kernel, a
# prctl per capability; a version that read CapBnd from /proc had to check for a procfs) ---
fake=$(mktemp -d "$_t_dir/fakeproc.XXXXXX")
mkdir -p "$fake/self"
printf 'Name:\tfake\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\nCapBnd:\t0000000000000000\n' >"$fake/self/status"
chmod -R a+rX "$fake"
cp "$b/config.json" "$b/config.json.orig"
cfg "$b" '.mounts = [.mounts[] | if .destination == "/proc" then {destination: "/proc", type: "bind", source: $f,
          options: ["rbind", "ro"]} else . end]' --arg f "$fake"
caps_cfg '["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN","CAP_KILL"]' null null
probe bnd
check_eq "a fake /proc/self/status: exit 0" 0 "$RC"
check_eq "a fake /proc/self/status: the bounding set is still dropped to CHOWN+KILL" "$(hex $((CHOWN | KILL)))" \
        "$(kv CapBnd "$OUT")"
mv "$b/config.json.orig" "$b/config.json"

# --- a name that is no capability is an error (the spec: a value that cannot be mapped MUST
# fail); ungrantable ones are warnings (160-process-parity.sh has the kernel-too-old case) ---
caps_cfg '["CAP_KILL","CAP_NOT_A_CAP"]' '["CAP_KILL","CAP_NOT_A_CAP"]' '["CAP_KILL"]' null null
probe caps
check_eq "no such capability: refused" 1 "$RC"
check_contains "no such capability: the error names it and its JSON path" \
        ".process.capabilities.bounding[1]: 'CAP_NOT_A_CAP' is not a Linux capability" "$ERR"
# Root's bounding set on this host lacks CAP_SYS_RESOURCE (host-notes.md): asking for it must
# warn, not fail. Where the runtime does hold it, it is simply granted.
caps_cfg '["CAP_KILL","CAP_SYS_RESOURCE"]' '["CAP_KILL","CAP_SYS_RESOURCE"]' '["CAP_KILL","CAP_SYS_RESOURCE"]' null null
probe caps
check_eq "CAP_SYS_RESOURCE asked: exit 0" 0 "$RC"
if [ $(( 0x$(kv CapBnd "$OUT") & SYS_RESOURCE )) -ne 0 ]; then
        ok "CAP_SYS_RESOURCE asked: granted (the runtime holds it)"
else
        check_contains "CAP_SYS_RESOURCE asked: not held, a warning names it" "CAP_SYS_RESOURCE" "$ERR"
fi

# --- non-root process user: ambient caps survive exec; nothing else does ---
if maps_uid 1000; then
        cfg "$b" '.process.user = {"uid": 1000, "gid": 1000}'
        caps_cfg '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"]' '["CAP_NET_BIND_SERVICE"]' '["CAP_NET_BIND_SERVICE"]' \
                '["CAP_NET_BIND_SERVICE"]' '["CAP_NET_BIND_SERVICE"]'
        probe caps
        check_eq "uid 1000 + ambient NET_BIND_SERVICE: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        for s in CapAmb CapEff CapPrm CapInh; do
                check_eq "uid 1000 + ambient: $s = NET_BIND_SERVICE" "$(hex $NBS)" "$(kv $s "$OUT")"
        done
        check_eq "uid 1000 + ambient: CapBnd" "$(hex $((CHOWN | KILL | NBS)))" "$(kv CapBnd "$OUT")"
        caps_cfg '["CAP_CHOWN","CAP_KILL"]' '["CAP_KILL"]' '["CAP_KILL"]' null null
        probe caps
        check_eq "uid 1000 without ambient: CapEff empty after exec" "$(hex 0)" "$(kv CapEff "$OUT")"
        # Ambient without inheritable cannot be raised: dropped quietly, as runc and crun do
        # (buildah writes such sets on every RUN step).
        caps_cfg '["CAP_KILL"]' '["CAP_KILL"]' '["CAP_KILL"]' null '["CAP_KILL"]'
        probe caps
        check_eq "ambient without inheritable: exit 0" 0 "$RC"
        check_eq "ambient without inheritable: no warning" "" "$(grep -i ambient <<<"$ERR")"
        check_eq "ambient without inheritable: CapAmb empty" "$(hex 0)" "$(kv CapAmb "$OUT")"
        cfg "$b" '.process.user = {"uid": 0, "gid": 0}'
else
        for t in "uid 1000 + ambient" "uid 1000 without ambient" "ambient without inheritable"; do
                skip "$t" "rootless without a uid range: only uid 0 exists in the container"
        done
fi
cfg "$b" 'del(.process.capabilities)'

# --- umask ---
probe umask
check_eq "umask: 0022 when unset" "0022" "$(tr -d '[:space:]' <<<"$OUT" | sed 's/^umask=//')"
cfg "$b" '.process.user.umask = 63'
probe umask
check_eq "umask: 0077 from process.user.umask" "0077" "$(tr -d '[:space:]' <<<"$OUT" | sed 's/^umask=//')"
cfg "$b" 'del(.process.user.umask)'

# --- the groups of /etc/group when additionalGids is empty (like runc) ---
# setgroups needs a mapping written by root or newgidmap (a single own-id mapping denies it).
if maps_uid 1000 && maps_uid 2002; then
        printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/:/bin/sh\n' >"$b/passwd"
        printf 'root:x:0:\ngrp1:x:2001:alice\ngrp2:x:2002:bob,alice\ngrp3:x:2003:bob\nalice:x:1000:\n' >"$b/group"
        chmod 0644 "$b/passwd" "$b/group"
        cfg "$b" '.mounts += [{"destination": "/etc/passwd", "type": "bind", "source": ($d + "/passwd"), "options": ["bind", "ro"]},
                              {"destination": "/etc/group", "type": "bind", "source": ($d + "/group"), "options": ["bind", "ro"]}]
                  | .process.user = {"uid": 1000, "gid": 1000}' --arg d "$b"
        probe ids
        check_eq "groups from /etc/group: exit 0" 0 "$RC"
        [ "$RC" -eq 0 ] || diag "$ERR"
        check_eq "groups from /etc/group: alice's groups" "2001,2002" "$(field groups "$OUT")"
        cfg "$b" '.process.user.additionalGids = [3000]'
        probe ids
        check_eq "additionalGids given: only those" "3000" "$(field groups "$OUT")"
        cfg "$b" '.process.user = {"uid": 0, "gid": 0} | .mounts |= map(select(.destination != "/etc/passwd" and .destination != "/etc/group"))'
        probe ids
        check_eq "root without /etc/group membership: no supplementary groups" "" "$(field groups "$OUT")"
else
        skip "groups from /etc/group" "rootless without a uid/gid range: setgroups is denied in the user namespace"
fi

# --- noNewPrivileges ---
cfg "$b" '.process.noNewPrivileges = true'
probe nnp
check_eq "noNewPrivileges true: NoNewPrivs=1" 1 "$(kv NoNewPrivs "$OUT")"
cfg "$b" '.process.noNewPrivileges = false'
probe nnp
check_eq "noNewPrivileges false: NoNewPrivs=0" 0 "$(kv NoNewPrivs "$OUT")"

# --- rlimits ---
cfg "$b" '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}, {"type": "RLIMIT_NPROC", "soft": 500, "hard": 600},
                               {"type": "RLIMIT_MSGQUEUE", "soft": 4096, "hard": 8192}]'
probe rlimit CORE
check_contains "rlimit CORE 0/0" "0 0" "$OUT"
probe rlimit NPROC
check_contains "rlimit NPROC 500/600" "500 600" "$OUT"
probe rlimit MSGQUEUE
check_contains "rlimit MSGQUEUE 4096/8192" "4096 8192" "$OUT"
cfg "$b" '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}, {"type": "RLIMIT_CORE", "soft": 1, "hard": 1}]'
probe rlimit CORE
if [ "$RC" -ne 0 ] && [[ $ERR == *".process.rlimits[1]"* ]]; then ok "duplicate rlimit: refused with its JSON path"; else fail "duplicate rlimit: refused with its JSON path" "rc=$RC" "$ERR"; fi
cfg "$b" '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 0, "hard": 0}]'
probe rlimit CORE
if [ "$RC" -ne 0 ] && [[ $ERR == *".process.rlimits[0]"* ]]; then ok "unknown rlimit: refused with its JSON path"; else fail "unknown rlimit: refused with its JSON path" "rc=$RC" "$ERR"; fi
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ]; then
        cfg "$b" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": ($h + 1)}]' --argjson h "$hard"
        probe rlimit NOFILE
        if [ "$RC" -ne 0 ] && [[ $ERR == *".process.rlimits[0]"* ]]; then ok "NOFILE above the hard limit (no CAP_SYS_RESOURCE): refused with its JSON path"; else fail "NOFILE above the hard limit: refused with its JSON path" "rc=$RC" "$ERR"; fi
else
        skip "NOFILE above the hard limit" "the hard limit is unlimited"
fi
cfg "$b" 'del(.process.rlimits)'

# --- oomScoreAdj: untouched when unset, set when given ---
mine=$(cat /proc/self/oom_score_adj)
probe read /proc/self/oom_score_adj
check_eq "oomScoreAdj unset: the caller's value is kept" "$mine" "$(tr -d '[:space:]' <<<"$OUT")"
cfg "$b" '.process.oomScoreAdj = ($v + 100)' --argjson v "$mine"
probe read /proc/self/oom_score_adj
check_eq "oomScoreAdj: raised by 100" "$((mine + 100))" "$(tr -d '[:space:]' <<<"$OUT")"
if [ "$mine" -gt -1000 ]; then
        cfg "$b" '.process.oomScoreAdj = -1000'
        probe read /proc/self/oom_score_adj
        if [ "$RC" -ne 0 ] && [[ $ERR == *oomScoreAdj* ]]; then
                ok "oomScoreAdj -1000 without CAP_SYS_RESOURCE: refused, naming the field"
        elif [ "$RC" -eq 0 ] && [ "$(tr -d '[:space:]' <<<"$OUT")" = -1000 ]; then
                ok "oomScoreAdj -1000: applied (the host allows lowering it)"
        else
                fail "oomScoreAdj -1000" "rc=$RC" "$ERR" "$OUT"
        fi
fi
cfg "$b" 'del(.process.oomScoreAdj)'

check_eq "nothing is left under the state root" "" "$(state_left)"
done_testing
