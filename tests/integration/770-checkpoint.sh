#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 770-checkpoint.sh: `ocirt checkpoint` and `ocirt restore` (issue 17) where CRIU cannot work: flag
# parsing (runc's flags, refused ones named), the errors (no container, not running, criu missing
# from PATH naming the Debian package, rootless without the capabilities CRIU needs, criu failing
# on this kernel with its first error and the log's path in one line), and that a failure leaves
# nothing behind (no image dir it made, no state dir, no cgroup, no criu-root mount; the container
# that was to be checkpointed still runs). `ocirt check` says whether criu is installed and works
# here; `features` announces the commands. Where criu works (`ocirt check` says ok: the VM lane,
# tests/vm/run --systemd, Debian's 6.1 kernel), as root the real thing: a container counting in
# memory is checkpointed and restored (same bundle, then a new bundle dir with another bind
# source) and the count continues; --leave-running; --pre-dump then a dump with --parent-path;
# lazy migration (--lazy-pages, --page-server, --status-fd with `criu lazy-pages`); the memory sent
# to a `criu page-server` (--page-server alone);
# an established TCP connection (refused without --tcp-established, naming the flag; with it the
# count goes on over the same connection); a terminal container restored with --console-socket.
# Rootless, CRIU 3.17 has no unprivileged mode: the clear error, on every host.
source "$OCIRT_TESTS/lib/common.sh"
source "$OCIRT_TESTS/lib/prelude.sh"

need jq "jq reads the JSON output"
ID=it770-$$
T=$_t_dir/cpt
mkdir -p "$T/nopath"
# A PATH without criu, and with everything else ocirt might look for.
NOPATH=$T/nopath

# ---- help and flags ----
if [ -z "${OCIRT_VM:-}" ]; then # the VM lane (tests/vm/run) leaves out what the host lane shows
r checkpoint --help
check_eq "checkpoint --help: exit 0" 0 "$RC"
for f in --image-path --work-path --parent-path --leave-running --tcp-established --ext-unix-sk --shell-job \
        --file-locks --pre-dump --manage-cgroups-mode --empty-ns --auto-dedup --lazy-pages --page-server --status-fd; do
        check_contains "checkpoint --help lists $f" "$f" "$OUT"
done
r restore --help
check_eq "restore --help: exit 0" 0 "$RC"
for f in --image-path --work-path --bundle --detach --pid-file --console-socket --no-subreaper --no-pivot \
        --tcp-established --ext-unix-sk --shell-job --file-locks --manage-cgroups-mode --empty-ns --lazy-pages; do
        check_contains "restore --help lists $f" "$f" "$OUT"
done
r checkpoint --bogus "$ID"
check_eq "checkpoint --bogus: exit 1" 1 "$RC"
check_contains "checkpoint --bogus: names the flag" "--bogus" "$ERR"
r checkpoint
check_eq "checkpoint without ID: exit 1" 1 "$RC"
r checkpoint --manage-cgroups-mode sideways "$ID"
check_contains "checkpoint --manage-cgroups-mode sideways: names the flag and the modes" \
        "--manage-cgroups-mode: unknown mode 'sideways'" "$ERR"
r restore --empty-ns pid "$ID"
check_contains "restore --empty-ns pid: only network" "--empty-ns: unsupported namespace 'pid'" "$ERR"
r checkpoint --lazy-pages "$ID"
check_contains "checkpoint --lazy-pages without --page-server: says what to add" \
        "--lazy-pages: lazy pages are served by CRIU's page server, and no --page-server was given" "$ERR"
r checkpoint --lazy-pages --page-server 1.2.3.4 "$ID"
check_contains "checkpoint --page-server without a port" "--page-server: '1.2.3.4' has no port" "$ERR"
r checkpoint --page-server 1.2.3.4:70000 "$ID"
check_contains "checkpoint --page-server with a bad port" "--page-server: '1.2.3.4:70000': bad port '70000'" "$ERR"
r checkpoint --status-fd 1 "$ID"
check_contains "checkpoint --status-fd without --lazy-pages: refused" "--status-fd: only --lazy-pages writes to it" "$ERR"
r checkpoint --lazy-pages --page-server 127.0.0.1:27277 --status-fd 77 "$ID"
check_contains "checkpoint --status-fd, an fd not open: names it" "--status-fd: fd 77: bad file descriptor" "$ERR"
r checkpoint --lazy-pages --page-server 127.0.0.1:27277 --status-fd 0 "$ID"
check_contains "checkpoint --status-fd 0: refused, not ignored" "--status-fd: fd 0 is stdin" "$ERR"
r checkpoint --lazy-pages --pre-dump --page-server 127.0.0.1:27277 "$ID"
check_contains "checkpoint --lazy-pages --pre-dump: refused" "--lazy-pages: a pre-dump writes the memory, it cannot be lazy" "$ERR"
r restore --lsm-profile apparmor:x "$ID"
check_contains "restore --lsm-profile: refused" "--lsm-profile: not supported" "$ERR"
r checkpoint "nope-$$"
check_contains "checkpoint of a container that does not exist" "does not exist" "$ERR"
fi

# ---- features and check ----
r features
check_eq "features: org.opencontainers.ocirt.checkpoint.enabled" true \
        "$(jq -r '.annotations["org.opencontainers.ocirt.checkpoint.enabled"]' <<<"$OUT")"
CHK=$("$OCIRT_BIN" check --format json 2>/dev/null)
crit=$(jq -c '.findings[] | select(.id == "criu")' <<<"$CHK")
level=$(jq -r .level <<<"$crit")
HAVE_CRIU=false
command -v criu >/dev/null 2>&1 || [ -x /usr/sbin/criu ] && HAVE_CRIU=true
if [ "$HAVE_CRIU" = true ]; then
        check "check: a criu finding" test -n "$crit"
        if is_root; then
                case $level in
                ok)
                        ok "check: criu works on this kernel"
                        check_contains "check: says whether lazy pages work" "lazy pages: " "$crit"
                        diag "$(jq -r .summary <<<"$crit")"
                        ;;
                warning)
                        check_contains "check: criu cannot work here, and why" "cannot work on this kernel: " "$crit"
                        diag "$(jq -r .summary <<<"$crit")"
                        diag "$(criu check 2>&1 | tail -n 12)"
                        ;;
                *) fail "check: criu level is ok or warning" "$crit" ;;
                esac
        else
                check_contains "check (user): criu has no privileges as this user" "has no privileges as your user" "$crit"
        fi
else
        check_eq "check: criu not installed is a warning" warning "$level"
fi
if [ -z "${OCIRT_VM:-}" ]; then # the VM lane (tests/vm/run) leaves out what the host lane shows
RC=0
OUT=$(PATH=$NOPATH "$OCIRT_BIN" check --format json 2>/dev/null) || RC=$?
crit=$(jq -c '.findings[] | select(.id == "criu")' <<<"$OUT")
check_contains "check, criu not in PATH: says so" "criu is not installed" "$crit"
check_contains "check, criu not in PATH: names the Debian package" "apt-get install criu" "$crit"
fi

# ---- where criu works (the VM lane's Debian kernel): the real thing, as root ----
# A process that counts in memory and writes the count to a tmpfs; stdio are pipes, as conmon and
# containerd's shim give them (a host /dev/null is a file CRIU cannot find in the container).
count_of() { # ID: the count the container wrote last (exec is slow under TCG: a second try)
        local n i
        for i in 1 2; do
                n=$(timeout -k 2 30 "$OCIRT_BIN" --root "$STATE_ROOT" exec "$1" cat /data/n 2>>"$T/exec.err" </dev/null)
                [ -n "$n" ] && break
        done
        echo "$n"
}
# start_bg DESC CMD...: ocirt with stdin, stdout and stderr on pipes (to sleep and cat).
start_bg() {
        local desc=$1
        shift
        RC=0
        timeout -k 2 60 "$OCIRT_BIN" --root "$STATE_ROOT" "$@" < <(sleep 600) > >(cat >>"$T/out.log") 2> >(cat >>"$T/err.log") || RC=$?
        check_eq "$desc: exit 0" 0 "$RC" || { sleep 0.2; diag "$(tail -n 2 "$T/err.log")"; }
}
grows_from() { # DESC ID N: the count is above N and still grows
        local desc=$1 id=$2 n=$3 a b
        sleep 0.3
        a=$(count_of "$id")
        sleep 0.5
        b=$(count_of "$id")
        if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -ge "$n" ] && [ "$b" -gt "$a" ]; then
                ok "$desc: the count continues ($n at the checkpoint, then $a, $b)"
        else
                fail "$desc: the count continues" "at the checkpoint: $n, after: '$a' then '$b'" "$(tail -n 4 "$T/exec.err" 2>/dev/null)"
        fi
}
real_checkpoint_restore() {
        local c=$ID-c n n0 b2 img=$T/img
        cb=$(new_bundle)
        mkdir -p "$T/in1" "$T/in2"
        echo one >"$T/in1/f"
        echo two >"$T/in2/f"
        cfg "$cb" '.process.args = ["/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/data/n; sleep 0.05; done"]
                   | .mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
                                 {destination: "/mnt/in", type: "bind", source: $in, options: ["rbind", "ro"]}]' \
                --arg in "$T/in1"
        start_bg "run -d (counting)" run -d --bundle "$cb" "$c"
        sleep 2 # a count a restart (from 1) would not reach in the half second grows_from waits
        check_eq "counting container runs" running "$(status_of "$c")"

        # checkpoint, restore into the same bundle
        n0=$(count_of "$c")
        start_bg "checkpoint" checkpoint --image-path "$img/1" "$c"
        n=$(ls "$img/1"/*.img 2>/dev/null | wc -l)
        check "checkpoint: images written ($n)" test "$n" -gt 0
        check_eq "checkpoint: the container is gone" none "$(status_of "$c")"
        check "checkpoint: descriptors.json" test -s "$img/1/descriptors.json"
        start_bg "restore -d, same bundle" restore -d --bundle "$cb" --image-path "$img/1" "$c"
        check_eq "restore: running" running "$(status_of "$c")"
        grows_from "restore, same bundle" "$c" "$n0"
        check_eq "restore: the bind mount's file" one "$(timeout 10 "$OCIRT_BIN" --root "$STATE_ROOT" exec "$c" cat /mnt/in/f 2>&1 </dev/null)"
        check "restore: no criu-root left" test ! -e "$STATE_ROOT/$c/criu-root"

        # --leave-running
        n=$(count_of "$c")
        start_bg "checkpoint --leave-running" checkpoint --leave-running --image-path "$img/2" "$c"
        check_eq "--leave-running: still running" running "$(status_of "$c")"
        grows_from "--leave-running" "$c" "$n"

        # pre-dump, then dump with --parent-path
        start_bg "checkpoint --pre-dump" checkpoint --pre-dump --image-path "$img/pre" "$c"
        check_eq "--pre-dump: still running" running "$(status_of "$c")"
        n=$(count_of "$c")
        start_bg "checkpoint --parent-path ../pre" checkpoint --parent-path ../pre --image-path "$img/3" "$c"
        check "--parent-path: the parent link" test -L "$img/3/parent"
        check_eq "--parent-path: the container is gone" none "$(status_of "$c")"

        # restore into a new bundle directory, whose bind mount has another source
        b2=$T/bundle2
        mkdir -p "$b2"
        jq --arg in "$T/in2" '(.mounts[] | select(.destination == "/mnt/in") | .source) = $in' "$cb/config.json" >"$b2/config.json"
        start_bg "restore -d, a new bundle" restore -d --bundle "$b2" --image-path "$img/3" "$c"
        check_eq "restore, new bundle: running" running "$(status_of "$c")"
        grows_from "restore, new bundle (after pre-dump + dump)" "$c" "$n"
        check_eq "restore, new bundle: the new bind source" two "$(timeout 10 "$OCIRT_BIN" --root "$STATE_ROOT" exec "$c" cat /mnt/in/f 2>&1 </dev/null)"
        check_eq "restore, new bundle: state names it" "$b2" "$(oc state "$c" | jq -r .bundle)"
        oc delete --force "$c" >/dev/null 2>&1
        check_eq "delete after restore: nothing left" "$ID" "$(ls -A "$STATE_ROOT" | tr '\n' ' ' | sed 's/ $//')"
}

# Lazy migration, as runc's test does it: checkpoint --lazy-pages writes everything but the memory,
# serves the memory at --page-server and writes one '\0' to --status-fd when it does; then
# `criu lazy-pages` (on the same images) fetches it for `restore --lazy-pages`, under another id
# (the checkpointed container stays, frozen, until the last page is fetched); checkpoint exits 0
# once everything was fetched, and no criu is left.
criu_pids() { # the pids of criu processes
        local f a p=
        for f in /proc/[0-9]*/cmdline; do
                a=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
                case $a in criu\ *) f=${f#/proc/}; p="$p ${f%/cmdline}" ;; esac
        done
        echo "${p# }"
}
counting_bundle() { # a new bundle whose init counts in memory, into /data/n (a tmpfs); prints its dir
        local cb
        cb=$(new_bundle)
        cfg "$cb" '.process.args = ["/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/data/n; sleep 0.05; done"]
                   | .mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
        echo "$cb"
}
listens() { # PORT: something listens on 127.0.0.1:PORT
        grep -q "0100007F:$(printf '%04X' "$1") 00000000:0000 0A" /proc/net/tcp
}
# lazy_finish DESC C C2 IMG PORT N CPID BUNDLE: with checkpoint CPID serving C's memory at PORT,
# `criu lazy-pages` and `restore --lazy-pages` as C2; the count goes on from N, the checkpoint
# exits 0, C is gone, no criu is left.
lazy_finish() {
        local desc=$1 c=$2 c2=$3 img=$4 port=$5 n=$6 cpid=$7 lb=$8 lpid st
        check "$desc: the images are written (inventory.img)" test -e "$img/inventory.img"
        timeout -k 2 180 criu lazy-pages --page-server --address 127.0.0.1 --port "$port" -D "$img" -o lazy-pages.log -v4 \
                </dev/null >/dev/null 2>&1 &
        lpid=$!
        wait_until 30 test -S "$img/lazy-pages.socket" || diag "no lazy-pages.socket: $(ls "$img" | tr '\n' ' ')"
        start_bg "$desc: restore -d --lazy-pages (another id)" restore -d --lazy-pages --bundle "$lb" --image-path "$img" "$c2"
        check_eq "$desc: restored, running" running "$(status_of "$c2")"
        grows_from "$desc: restore --lazy-pages" "$c2" "$n"
        st=0
        wait "$cpid" || st=$?
        check_eq "$desc: checkpoint exits 0 once the pages were fetched" 0 "$st" || diag "$(tail -n 3 "$img.err")"
        st=0
        wait "$lpid" || st=$?
        check_eq "$desc: criu lazy-pages exits 0" 0 "$st" || diag "$(grep -m3 'Error' "$img/lazy-pages.log")"
        check_eq "$desc: the checkpointed container is gone" none "$(status_of "$c")"
        grows_from "$desc: the restored container, all pages fetched" "$c2" "$n"
        check_eq "$desc: no criu process left" "" "$(criu_pids)"
        oc delete --force "$c2" >/dev/null 2>&1
}
# lazy_start C PORT IMG: checkpoint --lazy-pages of C in the background, --status-fd 9 (the
# caller's fd 9); sets CPID.
lazy_start() {
        local c=$1 port=$2 img=$3
        timeout -k 2 180 "$OCIRT_BIN" --root "$STATE_ROOT" checkpoint --lazy-pages --page-server "127.0.0.1:$port" \
                --status-fd 9 --image-path "$img" "$c" </dev/null >/dev/null 2>"$img.err" &
        CPID=$!
}
real_lazy_pages() {
        local c=$ID-l lb n img=$T/img-lazy port=27277 st rd out
        st=0
        criu check --feature uffd-noncoop >"$T/uffd.out" 2>&1 || st=$?
        diag "criu check --feature uffd-noncoop: exit $st: $(tail -n 2 "$T/uffd.out" | tr '\n' ' ')"
        lb=$(counting_bundle)
        start_bg "lazy: run -d (counting)" run -d --bundle "$lb" "$c"
        sleep 2
        n=$(count_of "$c")
        mkfifo "$T/lazy.status"
        exec {rd}<>"$T/lazy.status" # read-write: opening the write end below does not wait
        exec 9>"$T/lazy.status"
        lazy_start "$c" "$port" "$img"
        exec 9>&-
        out=$(timeout 90 dd bs=1 count=1 <&"$rd" 2>/dev/null | od -An -c | tr -d ' ')
        exec {rd}<&-
        check_eq "lazy: checkpoint writes one \\0 to --status-fd when it serves the pages" '\0' "$out" ||
                diag "$(cat "$img.err")"
        check "lazy: ... and still runs (serving)" kill -0 "$CPID"
        lazy_finish lazy "$c" "$ID-m" "$img" "$port" "$n" "$CPID" "$lb"
        rm -f "$T/lazy.status"
}

# --page-server without --lazy-pages: the memory goes to a `criu page-server` (here writing into
# the same image dir), the rest to the image path; restore finds it all there.
real_page_server() {
        local c=$ID-p pb n img=$T/img-ps port=27278 spid st
        pb=$(counting_bundle)
        start_bg "page server: run -d (counting)" run -d --bundle "$pb" "$c"
        sleep 2
        n=$(count_of "$c")
        mkdir -p "$img"
        timeout -k 2 120 criu page-server -D "$img" --address 127.0.0.1 --port "$port" -o page-server.log -v4 \
                </dev/null >/dev/null 2>&1 &
        spid=$!
        wait_until 30 listens "$port" || diag "criu page-server does not listen"
        start_bg "checkpoint --page-server (no --lazy-pages)" checkpoint --page-server "127.0.0.1:$port" --image-path "$img" "$c"
        st=0
        wait "$spid" || st=$?
        check_eq "page server: criu page-server got the pages and exits 0" 0 "$st" ||
                diag "$(grep -m3 'Error' "$img/page-server.log")"
        check "page server: the pages are in its dir" test -n "$(ls "$img"/pages-*.img 2>/dev/null)"
        check_eq "page server: the container is gone" none "$(status_of "$c")"
        start_bg "page server: restore -d" restore -d --bundle "$pb" --image-path "$img" "$c"
        grows_from "page server: restore" "$c" "$n"
        oc delete --force "$c" >/dev/null 2>&1
}

# An established TCP connection over 127.0.0.1 inside the container's own network namespace (its
# lo up): two processes count through it (probe tcp-count; a broken connection ends the count with
# "broken: ..."). Without --tcp-established the dump is refused, naming the flag, and the container
# goes on; with it, the count goes on after `restore --tcp-established`, over the same connection.
real_tcp_established() {
        local c=$ID-t tb n pid img=$T/img-tcp
        tb=$(new_bundle)
        cfg "$tb" '.process.args = ["/usr/bin/probe", "tcp-count", "7070", "/data/n"]
                   | .mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
        start_bg "tcp: run -d (counting over 127.0.0.1)" run -d --bundle "$tb" "$c"
        sleep 1
        pid=$(oc state "$c" | jq -r .pid)
        n=$(count_of "$c")
        RC=0
        ERR=$(timeout -k 2 60 "$OCIRT_BIN" --root "$STATE_ROOT" checkpoint --image-path "$img/no" "$c" 2>&1 >/dev/null </dev/null) || RC=$?
        check_eq "tcp, checkpoint without --tcp-established: exit 1" 1 "$RC"
        check_eq "tcp, ... one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
        check_contains "tcp, ... says what to pass" "established TCP connection: pass --tcp-established" "$ERR"
        diag "$ERR"
        check_eq "tcp, ... the same process still runs" "running $pid" "$(status_of "$c") $(oc state "$c" | jq -r .pid)"
        check_eq "tcp, ... nothing but criu's log left" "dump.log" "$(ls -A "$img/no" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
        grows_from "tcp, after the refused checkpoint (network unlocked)" "$c" "$n"
        n=$(count_of "$c")
        start_bg "tcp: checkpoint --tcp-established" checkpoint --tcp-established --image-path "$img/yes" "$c"
        check_eq "tcp: the container is gone" none "$(status_of "$c")"
        start_bg "tcp: restore -d --tcp-established" restore -d --tcp-established --bundle "$tb" --image-path "$img/yes" "$c"
        grows_from "tcp: restore --tcp-established, the same connection" "$c" "$n" ||
                diag "$(grep -iE 'lock|nft|post-restore' "$img/yes/restore.log" | head -n 12)"
        oc delete --force "$c" >/dev/null 2>&1
}

# A terminal (process.terminal, --console-socket): the pty's slave is dumped without its master, and
# `restore -d --console-socket` sends a new master, on which the restored process goes on writing.
# The receiver is probe console-recv (the VM image has no python3 for tests/lib/recv-console.py).
real_terminal() {
        local c=$ID-y yb n last rp1 rp2 img=$T/img-tty recv=$OCIRT_ROOTFS/usr/bin/probe
        yb=$(new_bundle)
        cfg "$yb" '.process.terminal = true
                   | .process.args = ["/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/data/n; echo n=$i; sleep 0.1; done"]
                   | .mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
        "$recv" console-recv "$T/con1.sock" "$T/con1.out" 30 >"$T/con1.meta" 2>&1 &
        rp1=$!
        wait_until 5 test -S "$T/con1.sock"
        start_bg "terminal: run -d --console-socket" run -d --console-socket "$T/con1.sock" --bundle "$yb" "$c"
        sleep 1
        n=$(count_of "$c")
        start_bg "terminal: checkpoint" checkpoint --image-path "$img" "$c"
        check_eq "terminal: the container is gone" none "$(status_of "$c")"
        "$recv" console-recv "$T/con2.sock" "$T/con2.out" 30 >"$T/con2.meta" 2>&1 &
        rp2=$!
        wait_until 5 test -S "$T/con2.sock"
        start_bg "terminal: restore -d --console-socket" restore -d --console-socket "$T/con2.sock" --bundle "$yb" --image-path "$img" "$c"
        check_contains "terminal: restore sends one pty master to the console socket" "nfds=1 payload=" "$(cat "$T/con2.meta")"
        grows_from "terminal: restore" "$c" "$n"
        last=$(tr -d '\r' <"$T/con2.out" | grep -o 'n=[0-9]*' | tail -n 1)
        if [ -n "$last" ] && [ "${last#n=}" -ge "$n" ]; then
                ok "terminal: what it writes arrives at the new master ($n at the checkpoint, then $last)"
        else
                fail "terminal: what it writes arrives at the new master" "at the checkpoint: $n, on the new master: '$last'" \
                        "$(head -c 300 "$T/con2.out")" "$(cat "$T/con2.meta")"
        fi
        oc delete --force "$c" >/dev/null 2>&1
        kill "$rp1" "$rp2" 2>/dev/null
        wait "$rp1" "$rp2" 2>/dev/null
}

# ---- a running container; failures leave it running and leave nothing else ----
b=$(new_bundle)
cfg "$b" '.process.args = ["/usr/bin/probe", "sleep", "60"]'
"$OCIRT_BIN" --root "$STATE_ROOT" run -d --bundle "$b" "$ID" >/dev/null 2>"$b/run.err" </dev/null
check_eq "the container runs" running "$(status_of "$ID")" || diag "$(cat "$b/run.err")"
pid=$(oc state "$ID" | jq -r .pid)

r() { # as prelude's, with PATH overridable by the caller (P)
        local e
        e=$(mktemp)
        RC=0
        OUT=$(timeout -k 2 20 env PATH="${P:-$PATH}" "$OCIRT_BIN" --root "$STATE_ROOT" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(cat "$e")
        rm -f "$e"
}

if [ -z "${OCIRT_VM:-}" ]; then # the VM lane (tests/vm/run) leaves out what the host lane shows
P=$NOPATH r checkpoint --image-path "$T/img1" "$ID"
check_eq "criu not in PATH: checkpoint exits 1" 1 "$RC"
check_contains "criu not in PATH: 'criu' not found" "checkpoint '$ID': checkpoint needs CRIU: 'criu' not found in \$PATH" "$ERR"
check_contains "criu not in PATH: names the Debian package" "apt-get install criu" "$ERR"
check "criu not in PATH: no image dir made" test ! -e "$T/img1"
check_eq "criu not in PATH: the container still runs" running "$(status_of "$ID")"

mkdir -p "$T/b2"
P=$NOPATH r restore --bundle "$b" --image-path "$T/img1" "$ID-r"
check_contains "restore, criu not in PATH: names the package" "apt-get install criu" "$ERR"
r restore --bundle "$b" --image-path "$T/none" "$ID-r"
if [ "$HAVE_CRIU" = true ] && is_root; then
        check_contains "restore from a missing image dir: names the flag" "--image-path: '$T/none': no such file or directory" "$ERR"
fi
check_eq "restore failures: no state dir left" "$ID" "$(ls -A "$STATE_ROOT" | tr '\n' ' ' | sed 's/ $//')"
fi

# A restore killed before its cleanup leaves the rootfs bound at STATE/ID/criu-root, in the host's
# mount namespace (made here by hand: criu cannot run on this host). delete --force detaches it and
# removes the state directory; what was bound there keeps its files.
if [ -z "${OCIRT_VM:-}" ] && is_root; then
        lb=$(new_bundle)
        cfg "$lb" '.process.args = ["/usr/bin/probe", "sleep", "60"]'
        "$OCIRT_BIN" --root "$STATE_ROOT" run -d --bundle "$lb" "$ID-left" >/dev/null 2>"$lb/run.err" </dev/null
        mkdir -p "$T/victim" && echo keep >"$T/victim/f"
        mkdir "$STATE_ROOT/$ID-left/criu-root" && mount --bind "$T/victim" "$STATE_ROOT/$ID-left/criu-root"
        r delete --force "$ID-left"
        check_eq "a killed restore's criu-root bind: delete --force exits 0" 0 "$RC" || diag "$ERR"
        check "... and removes the state directory" test ! -e "$STATE_ROOT/$ID-left"
        check_eq "... the bind mount is gone" 0 "$(grep -c " $STATE_ROOT/$ID-left/criu-root " /proc/self/mountinfo)"
        check_eq "... what was bound there keeps its files" keep "$(cat "$T/victim/f" 2>/dev/null)"
        umount "$STATE_ROOT/$ID-left/criu-root" 2>/dev/null
fi

if [ "$HAVE_CRIU" = false ]; then
        skip "criu on this kernel" "criu is not installed (Debian: criu)"
elif ! is_root; then
        r checkpoint --image-path "$T/img2" "$ID"
        check_eq "rootless checkpoint: exit 1" 1 "$RC"
        check_contains "rootless checkpoint: says what CRIU needs" \
                "checkpoint of a rootless container: CRIU (" "$ERR"
        check_contains "rootless checkpoint: ... the capabilities" "needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE" "$ERR"
        check "rootless checkpoint: no image dir made" test ! -e "$T/img2"
        r restore --bundle "$b" --image-path "$T" "$ID-r"
        check_contains "rootless restore: says what CRIU needs" "restore of a rootless container: CRIU (" "$ERR"
        r checkpoint --lazy-pages --page-server 127.0.0.1:27277 --image-path "$T/img4" "$ID"
        check_eq "rootless checkpoint --lazy-pages: one line and a hint" 2 "$(printf '%s\n' "$ERR" | wc -l)" || diag "$ERR"
        check_contains "rootless checkpoint --lazy-pages: says what CRIU needs" \
                "checkpoint of a rootless container: CRIU (" "$ERR"
        check "rootless checkpoint --lazy-pages: no image dir made" test ! -e "$T/img4"
        r restore --lazy-pages --bundle "$b" --image-path "$T" "$ID-r"
        check_contains "rootless restore --lazy-pages: says what CRIU needs" "restore of a rootless container: CRIU (" "$ERR"
        check_eq "rootless restore: no state dir left" "$ID" "$(ls -A "$STATE_ROOT" | tr '\n' ' ' | sed 's/ $//')"
elif [ "$level" = ok ]; then
        real_checkpoint_restore
        real_lazy_pages
        real_page_server
        real_tcp_established
        real_terminal
else
        r checkpoint --image-path "$T/img2" "$ID"
        check_eq "criu fails here: checkpoint exits 1" 1 "$RC"
        check_eq "criu fails here: one line" 1 "$(printf '%s\n' "$ERR" | wc -l)" || diag "$ERR"
        check_contains "criu fails here: criu's first error and the log" "checkpoint '$ID': criu dump failed: " "$ERR"
        diag "$ERR"
        diag "$(grep -B4 -m1 'Error (' "$T/img2/dump.log")"
        check_contains "criu fails here: ... the log's path" "(criu's log: $T/img2/dump.log)" "$ERR"
        check "criu fails here: the log is there" test -s "$T/img2/dump.log"
        check_eq "criu fails here: nothing else in the image dir" "dump.log" "$(ls -A "$T/img2")"
        check_eq "criu fails here: the container still runs" running "$(status_of "$ID")"
        check_eq "criu fails here: ... the same process" "$pid" "$(oc state "$ID" | jq -r .pid)"
        r checkpoint --image-path "$T/img3" --work-path "$T/work3" --leave-running "$ID"
        check_contains "--work-path: the log is there" "(criu's log: $T/work3/dump.log)" "$ERR"
        check "--work-path: an image dir it made is gone" test ! -e "$T/img3"

        r restore --bundle "$b" --image-path "$T/img2" --detach "$ID-r"
        check_eq "criu fails here: restore exits 1" 1 "$RC"
        check_contains "criu fails here: restore says why, and the log" "restore '$ID-r': criu restore failed: " "$ERR"
        check_contains "criu fails here: ... the restore log" "(criu's log: $T/img2/restore.log)" "$ERR"
        check_eq "failed restore: no state dir left" "$ID" "$(ls -A "$STATE_ROOT" | tr '\n' ' ' | sed 's/ $//')"
        check_eq "failed restore: no criu-root mount left" "" "$(grep -F "/$ID-r/criu-root" /proc/self/mountinfo)"
        check_eq "failed restore: no cgroup left" "" "$(find /sys/fs/cgroup -maxdepth 3 -name "*$ID-r*" 2>/dev/null)"
        r restore --bundle "$b" --image-path "$T/img2" "$ID"
        check_contains "restore onto an existing container: refused" "already exists" "$ERR"
        r checkpoint --lazy-pages --page-server 127.0.0.1:27277 --image-path "$T/img5" "$ID"
        check_eq "criu fails here, --lazy-pages: exit 1" 1 "$RC"
        check_contains "criu fails here, --lazy-pages: says criu cannot, and why" \
                "--lazy-pages: criu cannot do lazy pages here: " "$ERR"
        check_contains "criu fails here, --lazy-pages: ... the check that says so" "(criu check --feature uffd-noncoop)" "$ERR"
        check_eq "criu fails here, --lazy-pages: one line and a hint" 2 "$(printf '%s\n' "$ERR" | wc -l)" || diag "$ERR"
        diag "$ERR"
        check "criu fails here, --lazy-pages: no image dir made" test ! -e "$T/img5"
        check_eq "criu fails here, --lazy-pages: the container still runs" "running $pid" "$(status_of "$ID") $(oc state "$ID" | jq -r .pid)"
        r restore --lazy-pages --bundle "$b" --image-path "$T/img2" --detach "$ID-r"
        check_contains "criu fails here, restore --lazy-pages: says criu cannot" "--lazy-pages: criu cannot do lazy pages here: " "$ERR"
        check_eq "criu fails here, restore --lazy-pages: no state dir left" "$ID" "$(ls -A "$STATE_ROOT" | tr '\n' ' ' | sed 's/ $//')"
        check_eq "... which still runs" running "$(status_of "$ID")"
fi
oc delete --force "$ID" >/dev/null 2>&1
done_testing
