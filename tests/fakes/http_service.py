# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the fake Wazo services share: a threaded HTTP server on 127.0.0.1, its lifecycle, and the
requests it received; a subclass answers them (`answer(request)` → (status, JSON body or None))."""
import functools
import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict  # name -> last value
    headers: dict  # as sent (case kept)
    body: bytes

    def header(self, name):
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)


class FakeHttpService:
    THREAD_NAME = 'fake-http-service'

    def __init__(self):
        self.requests = []
        self.port = None
        self.connections_accepted = 0
        self._lock = threading.Lock()
        self._server = None
        self._connections = set()

    def answer(self, request):
        raise NotImplementedError

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        """Listening (again on the same port after a stop)."""
        self._server = _Server(('127.0.0.1', self.port or 0), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        # a short poll interval: stopping waits for it
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        threading.Thread(target=serve, name=self.THREAD_NAME, daemon=True).start()

    def stop(self):
        """Connection refused from now on, kept-alive connections included."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:  # kept-alive connections would otherwise still be served
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeHttpService

    def handle_error(self, request, client_address):
        pass  # clients that gave up (timeouts, "down") are part of the tests


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive, as the real wazo-auth: the client reuses connections
    disable_nagle_algorithm = True  # headers and body are sent apart: no 40 ms delayed-ACK wait

    def setup(self):
        super().setup()
        with self.server.fake._lock:
            self.server.fake._connections.add(self.connection)
            self.server.fake.connections_accepted += 1

    def finish(self):
        super().finish()
        with self.server.fake._lock:
            self.server.fake._connections.discard(self.connection)

    def do_HEAD(self):
        self._serve()

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def _serve(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        query = {name: values[-1] for name, values in parse_qs(url.query, keep_blank_values=True).items()}
        recorded = RecordedRequest(self.command, url.path, query, dict(self.headers.items()), body)
        status, payload = self.server.fake.answer(recorded)
        content = json.dumps(payload).encode() if payload is not None else b''
        self.send_response(status)
        if content:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(content)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(content)

    def log_message(self, format, *args):
        pass
