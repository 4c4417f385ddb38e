# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/podman.sh: sourced by the podman scripts (750-podman.sh, 775-podman-checkpoint.sh) after
# common.sh. They set T (their work dir, with T/tmp as podman's tmp_dir), R (a short run root) and
# CONTAINERS_CONF; this gives P (podman with a private store), pm and the cleanup at exit.
#   pm ARGS...   podman ARGS with a time limit (PM_TIMEOUT s, default 60); sets OUT, ERR, RC
P=(podman --root "$T/storage" --runroot "$R" --storage-driver vfs)
pm() {
        local e
        e=$(mktemp "$T/err.XXXXXX")
        RC=0
        OUT=$(timeout -k 5 "${PM_TIMEOUT:-60}" "${P[@]}" "$@" 2>"$e" </dev/null) || RC=$?
        ERR=$(grep -v 'is not a shared mount' "$e")
        rm -f "$e"
}
cleanup_podman() {
        local pp
        timeout 60 "${P[@]}" rm -af -t 0 >/dev/null 2>&1
        timeout 60 "${P[@]}" rmi -af >/dev/null 2>&1
        is_root || timeout 60 "${P[@]}" unshare rm -rf "$T/storage" "$R" >/dev/null 2>&1
        rm -rf "$R" 2>/dev/null
        # The rootless pause process (it keeps podman's user namespace) is ours: its pid file is in tmp_dir.
        pp=$(cat "$T/tmp/pause.pid" 2>/dev/null)
        [ -n "$pp" ] && kill -KILL "$pp" 2>/dev/null
}
trap 'rc=$?; cleanup_podman; (exit $rc); _t_cleanup' EXIT
