#!/usr/bin/env python3
"""Misbehaving HTTP servers on loopback, one per mode, for tests/hostile.sh.

    hostile.py MODE [--port N]

Listens on 127.0.0.1, on port N or on a free one when N is 0 or not given,
prints the port alone on one line and flushes it, as forkload-target does,
then serves each connection in a thread of its own until SIGTERM or SIGINT,
and exits 0. Standard library only. Every mode is bounded in time and in
bytes, except "silent", which the client must end with its timeout.
"""

import random
import select
import signal
import socket
import struct
import sys
import threading
import time

HEAD_MAX = 1 << 20      # a request head longer than this is not forkload's
GIB = 1 << 30


def read_request(conn, buf):
    """Read one request from conn: its head, and a body by Content-Length.

    buf holds what the last read left over. Returns (head, rest): head as
    bytes without its blank line, rest the bytes read past the request;
    (None, b"") at EOF, on an error, or on a head too long.
    """
    while b"\r\n\r\n" not in buf:
        if len(buf) > HEAD_MAX:
            return None, b""
        data = conn.recv(65536)
        if not data:
            return None, b""
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        data = conn.recv(65536)
        if not data:
            return None, b""
        rest += data
    return head, rest[length:]


def response(status=b"HTTP/1.1 200 OK", body=b"ok", eol=b"\r\n"):
    """A whole response with a Content-Length, its lines ended by eol."""
    return (status + eol + b"Content-Length: %d" % len(body) + eol + eol +
            body)


def reset(conn):
    """Close conn with SO_LINGER 0, so that the kernel sends RST."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
    conn.close()


def head_of(total):
    """A 200 response, body "ok", whose head (status line to blank line
    included) is total bytes long, in header lines of 1000 bytes or so."""
    start = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
    left = total - len(start) - 2
    lines = []
    while left > 0:
        # A line is "X-Pad-NNNNN: " (13 bytes), padding and CRLF; the
        # last two share what is left, so that neither is too short.
        n = left if left <= 1000 else min(1000, left - 20)
        name = b"X-Pad-%05d: " % len(lines)
        lines.append(name + b"p" * (n - len(name) - 2) + b"\r\n")
        left -= n
    return start + b"".join(lines) + b"\r\n" + b"ok"


# A mode serves one connection: mode(conn, head, rest), with the first
# request already read (head and rest as read_request returns them), or
# with head None for the modes in BEFORE_READ.

def keepalive(answer, at_close=None):
    """A mode that answers each request on a connection with
    answer(method, path, count), count from 1, and keeps the connection
    open, unless answer returns close true: then at_close(conn), if any,
    and the connection closes."""
    def serve(conn, head, rest):
        count = 0
        while head is not None:
            count += 1
            line = head.split(b"\r\n", 1)[0].split(b" ")
            path = line[1] if len(line) > 1 else b"/"
            data, close = answer(line[0], path, count)
            conn.sendall(data)
            if close:
                if at_close is not None:
                    at_close(conn)
                return
            head, rest = read_request(conn, rest)
    return serve


def always(data):
    """A kept-alive mode that answers every request with data."""
    return keepalive(lambda method, path, count: (data, False))


def once(data):
    """A mode that answers with data, then closes."""
    def serve(conn, head, rest):
        conn.sendall(data)
    return serve


def garbage(conn, head, rest):
    # Seeded, so every run sends the same bytes; the first is not "H",
    # so that nothing can take them for a status line.
    rnd = random.Random(8)
    conn.sendall(b"\x00" + bytes(rnd.randrange(256) for _ in range(4095)))


def reset_mode(conn, head, rest):
    reset(conn)


def silent(conn, head, rest):
    # Hold the connection, answering nothing, until the client leaves.
    while conn.recv(65536):
        pass


def trickle(conn, head, rest):
    # A body of 20 bytes, one every 20 ms: 0.4 s for the whole answer.
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n")
    for _ in range(20):
        time.sleep(0.02)
        conn.sendall(b"x")


def huge(conn, head, rest):
    # 1 GiB of body from one buffer of 1 MiB: the server stays small too.
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % GIB)
    block = b"x" * (1 << 20)
    for _ in range(GIB // len(block)):
        conn.sendall(block)


def head_10m(conn, head, rest):
    # 10 MiB of header lines, sent as they are made: a client that gives
    # up makes a send fail, which ends the thread.
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n")
    line = b"X-Pad: " + b"p" * 1015 + b"\r\n"
    for _ in range(10 * 1024):
        conn.sendall(line)
    conn.sendall(b"\r\nok")


def next_request(unread):
    """After an answer that closes: wait for the client's next request
    on the connection, up to 2 s, then close without an answer. So the
    request is always written to a connection the server is closing, and
    no race decides what the client sees: EOF when the server read the
    request first, RST when it left it unread."""
    def at_close(conn):
        select.select([conn], [], [], 2.0)
        if unread:
            reset(conn)
        else:
            conn.recv(65536)
    return at_close


def no_body(method, path, count):
    """HEAD gets a Content-Length of 1000 but no body; /204 a 204, /304 a
    304, neither with a body; anything else a 200 "ok"."""
    if path == b"/204":
        return b"HTTP/1.1 204 No Content\r\n\r\n", False
    if path == b"/304":
        return b"HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", False
    if method == b"HEAD":
        return b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", False
    return response(), False


MODES = {
    # Random bytes, then close.
    "garbage": garbage,
    # RST as soon as the connection is accepted. What the client sees
    # depends on a race: the RST can come before its connect is done,
    # before its write, or after.
    "resetaccept": reset_mode,
    # RST once the request has arrived: the client always sees it while
    # it waits for the answer.
    "reset": reset_mode,
    # Never answers.
    "silent": silent,
    # A body of 20 bytes, one byte at a time.
    "trickle": trickle,
    # A body of 1 GiB.
    "huge": huge,
    # A chunk size that is not hexadecimal, after a good chunk.
    "badchunk": once(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                     b"\r\n2\r\nok\r\nzz\r\nmore\r\n0\r\n\r\n"),
    # HTTP/1.0 without a Content-Length: the close ends the body.
    "http10": once(b"HTTP/1.0 200 OK\r\n\r\n" + b"y" * 1000),
    # Odd status lines.
    "noreason": always(response(b"HTTP/1.1 200")),
    "status999": always(response(b"HTTP/1.1 999 Odd")),
    "status099": always(response(b"HTTP/1.1 099 Odd")),
    "lowercase": always(response(b"http/1.1 200 OK")),
    "lowercase503": always(response(b"http/1.1 503 Unavailable")),
    "spaces": always(response(b"HTTP/1.1  200  OK")),
    "lfonly": always(response(eol=b"\n")),
    # Heads of 64 KiB exactly and of 10 MiB.
    "head64k": always(head_of(65536)),
    "head10m": head_10m,
    # A close after every third answer, without "Connection: close",
    # when the next request has come: read (EOF), or unread (RST).
    "close3": keepalive(lambda m, p, count: (response(), count % 3 == 0),
                        next_request(False)),
    "close3rst": keepalive(lambda m, p, count: (response(), count % 3 == 0),
                           next_request(True)),
    # 100 Continue, then the answer.
    "continue": always(b"HTTP/1.1 100 Continue\r\n\r\n" + response()),
    # Content-Length 100, then 10 bytes and close.
    "short": once(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" +
                  b"z" * 10),
    # A chunked body with trailers.
    "trailers": always(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                       b"Trailer: X-Checksum\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n"
                       b"0\r\nX-Checksum: 42\r\nX-More: 1\r\n\r\n"),
    # Answers without a body, kept alive.
    "nobody": keepalive(no_body),
}

# Modes that act before they read the request.
BEFORE_READ = {"resetaccept"}


def handle(mode, conn):
    """Serve one connection in mode, then close it, whatever happened."""
    try:
        head, rest = None, b""
        if mode not in BEFORE_READ:
            head, rest = read_request(conn, b"")
            if head is None:
                return
        MODES[mode](conn, head, rest)
    except OSError:
        pass    # the client has gone: nothing more to do
    finally:
        conn.close()


def main():
    args = sys.argv[1:]
    port = 0
    if len(args) == 3 and args[1] == "--port":
        port = int(args[2])
        del args[1:]
    if len(args) != 1 or args[0] not in MODES:
        sys.stderr.write("usage: hostile.py MODE [--port N]\nmodes: %s\n" %
                         " ".join(sorted(MODES)))
        sys.exit(2)

    # SIGTERM and SIGINT end the accept loop with exit status 0. The
    # connection threads are daemons: they end with the process.
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    signal.signal(signal.SIGINT, lambda sig, frame: sys.exit(0))

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1024)
    print(ls.getsockname()[1], flush=True)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=handle, args=(args[0], conn),
                         daemon=True).start()


if __name__ == "__main__":
    main()
