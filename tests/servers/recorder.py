#!/usr/bin/env python3
"""An HTTP/1.1 server on loopback that records what it was sent.

    recorder.py [--port N]

Listens on 127.0.0.1, on port N or a free one, prints the port alone on
one line as forkload-target does, and answers every request 200 "ok",
keeping connections alive. GET /__log answers, as JSON, the requests seen
so far, counted by "METHOD PATH|X-Tag header|body" (the body as text), and
DELETE /__log forgets them; neither is counted. Standard library only;
stops on SIGTERM or SIGINT.
"""

import collections
import http.server
import json
import signal
import socketserver
import sys
import threading

SEEN = collections.Counter()
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        if self.command == "GET" and self.path == "/__log":
            with LOCK:
                out = json.dumps(dict(SEEN), sort_keys=True).encode()
        elif self.command == "DELETE" and self.path == "/__log":
            with LOCK:
                SEEN.clear()
            out = b"ok\n"
        else:
            key = "%s %s|%s|%s" % (self.command, self.path,
                                   self.headers.get("X-Tag", ""), body)
            with LOCK:
                SEEN[key] += 1
            out = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = answer


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    port = 0
    if len(sys.argv) == 3 and sys.argv[1] == "--port":
        port = int(sys.argv[2])
    srv = Server(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
