#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""recv-console.py SOCKET OUT [INPUT]: a --console-socket receiver for the tests.

Does what conmon and containerd's shim do: listen on an AF_UNIX SOCK_STREAM
socket, accept one connection, receive one message and check that it carries
exactly one fd in SCM_RIGHTS and a non-empty payload (conmon refuses anything
else). Then use that fd as the pty master: write INPUT to it (if given) and copy
everything the container writes to OUT until the container closes its side.

Exit status 0 when all that worked. On a failure the reason goes to OUT.err and
the status is 2 (protocol) or 3 (timeout). SOCKET exists once the receiver is
listening, so a test can wait for it before running `ocirt create`.
"""
import array
import os
import select
import socket
import sys
import termios


def fail(out, status, msg):
    with open(out + ".err", "w") as f:
        f.write(msg + "\n")
    sys.exit(status)


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write(__doc__)
        sys.exit(64)
    path, out = sys.argv[1], sys.argv[2]
    data_in = sys.argv[3].encode() if len(sys.argv) == 4 else None

    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(30)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        fail(out, 3, "no connection on the console socket within 30 s")
    conn.settimeout(10)

    fds = array.array("i")
    # Room for several fds, to see (and refuse) a sender that passes more than one.
    msg, anc, flags, _ = conn.recvmsg(4096, socket.CMSG_SPACE(8 * fds.itemsize))
    got = []
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            a = array.array("i")
            a.frombytes(data[: len(data) - (len(data) % a.itemsize)])
            got.extend(a)
    conn.close()
    srv.close()
    if flags & socket.MSG_CTRUNC:
        fail(out, 2, "control data truncated")
    if len(got) != 1:
        for fd in got:
            os.close(fd)
        fail(out, 2, "expected exactly one fd in SCM_RIGHTS, got %d" % len(got))
    if not msg:
        os.close(got[0])
        fail(out, 2, "the message payload is empty (conmon needs a name)")
    master = got[0]
    if not os.isatty(master):
        fail(out, 2, "the received fd is not a terminal")
    with open(out + ".meta", "w") as f:
        f.write("payload=%s\n" % msg.decode(errors="replace"))
        f.write("nfds=%d\n" % len(got))
        # The pty's size as the container set it (consoleSize).
        try:
            import fcntl
            import struct

            rows, cols = struct.unpack("hh", fcntl.ioctl(master, termios.TIOCGWINSZ, b"\0" * 4))
            f.write("rows=%d\ncols=%d\n" % (rows, cols))
        except OSError as e:
            f.write("winsize_error=%s\n" % e)

    if data_in is not None:
        os.write(master, data_in)
    with open(out, "wb") as f:
        while True:
            r, _, _ = select.select([master], [], [], 30)
            if not r:
                fail(out, 3, "no output from the container within 30 s")
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every slave fd is closed
                break
            if not chunk:
                break
            f.write(chunk)
            f.flush()
    os.close(master)


if __name__ == "__main__":
    main()
