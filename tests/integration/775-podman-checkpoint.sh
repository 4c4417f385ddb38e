#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 775-podman-checkpoint.sh: `podman container checkpoint` and `podman container restore` with ocirt
# as podman's runtime (issue 17), as podman users and Kubernetes' checkpoint API use them. The
# runtime is a wrapper that logs podman's and conmon's argv and execs ocirt, so that the output shows
# what podman asked for.
#  - Where CRIU works (`ocirt check` says ok: the VM lane, tests/vm/run --systemd, Debian's 6.1
#    kernel), as root: a container counting in memory (stdin the host's /dev/null, as conmon gives
#    it), checkpoint and restore in place, checkpoint --leave-running, then checkpoint --export,
#    rm, restore --import (a container moved): the count continues each time.
#  - Where CRIU cannot work on the kernel (this host), as root: the checkpoint fails with ocirt's
#    one-line reason, the container keeps running, and nothing is left but CRIU's log.
#  - Rootless: podman itself refuses before it asks the runtime ("checkpointing a container requires
#    root"; CRIU 3.17 has no unprivileged mode either: 770-checkpoint.sh shows ocirt's error).
source "$OCIRT_TESTS/lib/common.sh"
need podman "podman is not installed (tests/setup-host installs it)"
need conmon "conmon is not installed"
need jq "jq reads the JSON output"
if ! is_root && [ ! -w "${XDG_RUNTIME_DIR:-/nonexistent}" ]; then
        skip_all "rootless podman needs a writable XDG_RUNTIME_DIR"
fi

T=$_t_dir/pcr
mkdir -p "$T/storage" "$T/tmp" "$T/data"
chmod 0777 "$T/data"
# podman wants a run root of at most 50 characters.
R=$(mktemp -d /tmp/ocpc.XXXXXX) || exit 1
IMG=localhost/ocirt-busybox
WRAP=$T/ocirt-argv
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>%q\nexec %q "$@"\n' "$T/argv.log" "$OCIRT_BIN" >"$WRAP"
chmod 0755 "$WRAP"
# As 750-podman.sh: ocirt registered by name (json logs), cgroupfs and file events (no systemd
# needed), ulimits below root's hard limits on hosts where root lacks CAP_SYS_RESOURCE.
conf=$T/containers.conf
printf '[engine]\nruntime = "ocirt"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\ntmp_dir = "%s"\n' "$T/tmp" >"$conf"
printf 'runtime_supports_json = ["crun", "runc", "ocirt"]\nruntime_supports_nocgroups = ["crun", "ocirt"]\n' >>"$conf"
printf '[engine.runtimes]\nocirt = ["%s"]\n[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' "$WRAP" >>"$conf"
export CONTAINERS_CONF=$conf

PM_TIMEOUT=120 # podman under TCG (the VM lane) is slow
source "$OCIRT_TESTS/lib/podman.sh"
argv_of() { # WORD: the runtime calls podman and conmon made with that subcommand
        grep -E "(^| )$1( |\$)" "$T/argv.log" 2>/dev/null | sed "s|$R|RUNROOT|g; s|$T/storage|STORAGE|g"
}

# ---- rootless: podman refuses itself, before it asks the runtime ----
if ! is_root; then
        pm container checkpoint nosuch
        check_eq "rootless checkpoint: podman exits 125" 125 "$RC"
        check_contains "rootless checkpoint: podman's reason" "checkpointing a container requires root" "$ERR"
        check_eq "rootless checkpoint: ocirt was not asked" "" "$(argv_of checkpoint)"
        pm container restore nosuch
        check_contains "rootless restore: podman's reason" "requires root" "$ERR"
        done_testing
fi

tar -C "$OCIRT_ROOTFS" -c . | timeout 120 "${P[@]}" import - "$IMG" >/dev/null 2>"$T/import.err"
pm image exists "$IMG"
check_eq "podman import of the test rootfs" 0 "$RC" || { diag "$(cat "$T/import.err")"; done_testing; }

level=$("$OCIRT_BIN" check --format json 2>/dev/null | jq -r '.findings[] | select(.id == "criu") | .level')
command -v criu >/dev/null 2>&1 || [ -x /usr/sbin/criu ] || level=none
# A process that counts in memory and writes the count to a bind-mounted host directory, which the
# test reads without podman exec (slow under TCG). Its stdin is the host's /dev/null (conmon's).
pm run -d --name cnt --network none -v "$T/data:/data" "$IMG" \
        sh -c 'i=0; while :; do i=$((i+1)); echo $i >>/data/n; sleep 0.05; done'
check_eq "run -d (counting)" 0 "$RC" || diag "$ERR"
count() { # the last count. The file is appended to, one write(2) per line: a truncating `>` could
        # be caught by the dump between its open and its write, and the checkpointed file would be empty.
        tail -n 1 "$T/data/n" 2>/dev/null
}
count_ge() { [ "$(count)" -ge "$1" ] 2>/dev/null; }
wait_until 60 count_ge 20
check "the count reaches 20" test "$(count)" -ge 20
state() {
        pm inspect cnt --format '{{.State.Status}} {{.State.Checkpointed}}'
        echo "$OUT"
}
grows_from() { # DESC N: the count is above N and still grows
        local desc=$1 n=$2 a b
        sleep 0.5
        a=$(count)
        sleep 0.5
        b=$(count)
        if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -ge "$n" ] && [ "$b" -gt "$a" ]; then
                ok "$desc: the count continues ($n at the checkpoint, then $a, $b)"
        else
                fail "$desc: the count continues" "at the checkpoint: $n, after: '$a' then '$b'"
        fi
}

if [ "$level" = ok ]; then
        # ---- CRIU works here: checkpoint and restore in place, --leave-running, export/import ----
        pm container checkpoint cnt
        check_eq "checkpoint: exit 0" 0 "$RC" || diag "$ERR"
        n=$(count)
        check_eq "checkpoint: exited, checkpointed" "exited true" "$(state)"
        sleep 0.3
        check_eq "checkpoint: the count stopped" "$n" "$(count)"
        pm container restore cnt
        check_eq "restore: exit 0" 0 "$RC" || diag "$ERR"
        check_eq "restore: running" "running false" "$(state)"
        grows_from "restore" "$n"

        n=$(count)
        pm container checkpoint --leave-running cnt
        check_eq "checkpoint --leave-running: exit 0" 0 "$RC" || diag "$ERR"
        grows_from "--leave-running" "$n"

        pm container checkpoint --export "$T/cnt.tar.gz" cnt
        check_eq "checkpoint --export: exit 0" 0 "$RC" || diag "$ERR"
        n=$(count)
        check "checkpoint --export: the archive" test -s "$T/cnt.tar.gz"
        pm rm cnt
        check_eq "rm the checkpointed container" 0 "$RC" || diag "$ERR"
        pm container restore --import "$T/cnt.tar.gz"
        check_eq "restore --import: exit 0" 0 "$RC" || diag "$ERR"
        check_eq "restore --import: running" "running false" "$(state)"
        grows_from "restore --import (a moved container)" "$n"
        pm rm -f -t 0 cnt
        check_eq "rm -f the restored container" 0 "$RC"
elif [ "$level" != none ]; then
        # ---- CRIU cannot work on this kernel: ocirt's reason, the container untouched ----
        pid=$("${P[@]}" inspect cnt --format '{{.State.Pid}}' 2>/dev/null)
        ud=$("${P[@]}" inspect cnt --format '{{.StaticDir}}' 2>/dev/null)
        pm container checkpoint cnt
        check_eq "checkpoint where CRIU cannot work: podman exits 125" 125 "$RC"
        line=$(grep '^ocirt: ' <<<"$ERR")
        check_eq "... ocirt's reason, one line" 1 "$(printf '%s' "$line" | grep -c .)" || diag "$ERR"
        check_contains "... criu's first error and its log" "criu dump failed: " "$line"
        check_contains "... the log's path" "(criu's log: $ud/dump.log)" "$line"
        diag "$line"
        check_eq "... still running" "running false" "$(state)"
        check_eq "... the same process" "$pid" "$("${P[@]}" inspect cnt --format '{{.State.Pid}}' 2>/dev/null)"
        check "... nothing left but criu's log: no checkpoint dir" test ! -e "$ud/checkpoint"
        n=$(count)
        grows_from "after the failed checkpoint" "$n"
        pm container checkpoint --export "$T/cnt.tar.gz" cnt
        check_contains "checkpoint --export: the same reason" "criu dump failed: " "$ERR"
        check "checkpoint --export: no archive" test ! -e "$T/cnt.tar.gz"
        pm rm -f -t 0 cnt
        check_eq "rm -f afterwards" 0 "$RC"
else
        skip "podman checkpoint" "criu is not installed (Debian: criu)"
fi
diag "podman's and conmon's runtime calls:"
diag "$(argv_of checkpoint | sort -u)"
diag "$(argv_of restore)"
done_testing
