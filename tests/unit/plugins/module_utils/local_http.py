# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small HTTP(S) server on 127.0.0.1 that plays a (misbehaving) ConnectWise in tests.

Used by the client's unit tests and by tests/reliability/test_hostile_server.py; loopback only."""

from __future__ import annotations

import ssl
import time
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up on a hostile answer is what the tests want


class Listener:
    """Answers every GET with ``respond(handler)`` and records ``(path, Authorization header or None)``."""

    def __init__(self, respond, certificate=None):
        self.seen = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

            def do_GET(self):  # pylint: disable=invalid-name
                owner.seen.append((self.path, self.headers.get("Authorization")))
                respond(self)

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        scheme = "http"
        if certificate:  # (cert.pem, key.pem)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.httpd.server_port)
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler, status=200, body=b"[]", headers=None):
    """One JSON answer with a Content-Length."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def trickle(handler, size, pause, sent=None):
    """Headers at once, then a body of ``size`` spaces, one every ``pause`` seconds (until the client hangs up).

    With a list ``sent``, append how many bytes went out before the client hung up (``size`` if it never did), so a
    test can prove the client stopped reading without timing anything."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(size))
    handler.end_headers()
    count = 0
    try:
        for _byte in range(size):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            count += 1
            time.sleep(pause)
    except OSError:
        pass
    if sent is not None:
        sent.append(count)


def wait_for_list(values, seconds=30):
    """The list once something was appended to it (polled, bounded), for a server thread that reports late."""
    deadline = time.monotonic() + seconds
    while not values and time.monotonic() < deadline:
        time.sleep(0.05)
    assert values, "the server reported nothing within %d s" % seconds
    return values
