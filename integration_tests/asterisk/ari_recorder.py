# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A recording HTTP proxy between the service and Asterisk's ARI: what was sent, when, and what came back.

Every request is forwarded to the real ARI and recorded (time, method, path, body, status, reply). When
Asterisk does not answer (stopped, or it dropped the request) the proxy closes the connection
without a response: the service's ARI client sees a connection error, as it would from a dead
Asterisk, and the record's status is None. So a record with a status is a request Asterisk handled.
`cut_off` makes the proxy answer so while Asterisk runs: a network outage between the two.
`delay` (seconds) holds each request that long before forwarding it: a slow link, which stretches
a full push long enough for a test to act in the middle of it.

The events websocket (an upgrade of GET /ari/events) is tunnelled to Asterisk byte for byte and
recorded with the status of the upgrade; it ends when either side closes it, and setting `cut_off`
cuts every open tunnel (refusing new ones), as the outage would.
"""
from __future__ import annotations

import json
import select
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import requests

UPSTREAM_TIMEOUT = 30.0  # longer than the service's ARI timeout: the service gives up first
FORWARDED_HEADERS = ('Authorization', 'Content-Type')
OBJECT_PREFIX = '/asterisk/config/dynamic/res_pjsip/'


@dataclass(frozen=True)
class AriRecord:
    started: float  # time.monotonic() when the proxy received the request
    method: str
    path: str  # after /ari, query string included
    body: object  # the JSON body, or None
    status: int | None  # None: Asterisk gave no answer
    reply: object = None  # the JSON answer, or its text

    @property
    def not_ready(self):
        """Asterisk's answer while it boots: 503, or its HTTP server's own 404 page before ARI is loaded."""
        return self.status == 503 or (self.status == 404 and not isinstance(self.reply, (dict, list)))

    @property
    def events_websocket(self):
        """An upgrade to the events websocket (its status: 101 when accepted)."""
        return self.path.startswith('/events')

    @property
    def object_key(self):
        """(type, id) of a push-configuration request, else None."""
        if not self.path.startswith(OBJECT_PREFIX):
            return None
        object_type, _, object_id = self.path[len(OBJECT_PREFIX) :].partition('/')
        return object_type, unquote(object_id)

    def field(self, attribute):
        """The last value of `attribute` in a PUT body, or None."""
        fields = self.body.get('fields', []) if isinstance(self.body, dict) else []
        values = [f['value'] for f in fields if f.get('attribute') == attribute]
        return values[-1] if values else None


class AriRecorder:
    """The proxy on a free loopback port; use as a context manager, or start() and stop()."""

    def __init__(self, upstream_ari_url):
        self.upstream = upstream_ari_url.rstrip('/')
        self._records = []
        self._lock = threading.Lock()
        self._server = _Server(('127.0.0.1', 0), _handler_class(self))
        self._thread = None
        self._cut_off = False
        self.delay = 0.0
        self._tunnels = set()  # open websocket tunnels: (client socket, upstream socket)

    @property
    def cut_off(self) -> bool:
        return self._cut_off

    @cut_off.setter
    def cut_off(self, value: bool) -> None:
        with self._lock:
            self._cut_off = value
            tunnels = list(self._tunnels) if value else []
        for tunnel in tunnels:
            for end in tunnel:
                _shut(end)

    def open_tunnel(self, tunnel) -> bool:
        """Register an open websocket tunnel; False (not registered) while cut off."""
        with self._lock:
            if self._cut_off:
                return False
            self._tunnels.add(tunnel)
            return True

    def close_tunnel(self, tunnel) -> None:
        with self._lock:
            self._tunnels.discard(tunnel)

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self._server.server_address[1]}/ari'

    def engine_config(self, engine) -> dict:
        """`engine`'s asterisk.engines entry with ARI reached through this proxy."""
        config = engine.engine_config()
        return {**config, 'ari': {**config['ari'], 'url': self.url}}

    def records(self) -> list[AriRecord]:
        with self._lock:
            return list(self._records)

    def record(self, entry: AriRecord) -> None:
        with self._lock:
            self._records.append(entry)

    def start(self) -> AriRecorder:
        self._thread = threading.Thread(target=self._server.serve_forever, name='ari-recorder', daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed service resets its connections
            super().handle_error(request, client_address)


def _handler_class(recorder):
    class Handler(_ForwardingHandler):
        pass

    Handler.recorder = recorder
    return Handler


class _ForwardingHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive, as the service's requests.Session expects
    disable_nagle_algorithm = True  # headers and body are two writes: Nagle + delayed ACK cost 40 ms each
    recorder: AriRecorder

    def setup(self):
        super().setup()
        self.upstream = requests.Session()  # one handler per client connection: one upstream connection

    def finish(self):
        self.upstream.close()
        super().finish()

    def do_GET(self):
        if (self.headers.get('Upgrade') or '').lower() == 'websocket':
            self._tunnel()
        else:
            self._forward()

    def _tunnel(self):
        started = time.monotonic()
        path = self.path.removeprefix('/ari')
        self.close_connection = True
        if self.recorder.cut_off:
            self.recorder.record(AriRecord(started, self.command, path, None, None))
            return
        upstream_url = urlsplit(f'{self.recorder.upstream}{path}')
        try:
            upstream = socket.create_connection((upstream_url.hostname, upstream_url.port), timeout=UPSTREAM_TIMEOUT)
        except OSError:
            self.recorder.record(AriRecord(started, self.command, path, None, None))
            return
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        headers = ''.join(f'{name}: {value}\r\n' for name, value in self.headers.items())
        target = upstream_url.path + (f'?{upstream_url.query}' if upstream_url.query else '')
        upstream.sendall(f'GET {target} HTTP/1.1\r\n{headers}\r\n'.encode('latin-1'))
        tunnel = (self.connection, upstream)
        if not self.recorder.open_tunnel(tunnel):
            upstream.close()
            self.recorder.record(AriRecord(started, self.command, path, None, None))
            return
        status = None
        try:
            status = _pipe(self.connection, upstream)
        finally:
            self.recorder.close_tunnel(tunnel)
            upstream.close()
            self.recorder.record(AriRecord(started, self.command, path, None, status))

    do_PUT = do_POST = do_DELETE = do_GET

    def _forward(self):
        started = time.monotonic()
        length = int(self.headers.get('Content-Length') or 0)
        raw_body = self.rfile.read(length) if length else None
        if self.recorder.cut_off:
            self.recorder.record(AriRecord(started, self.command, self.path.removeprefix('/ari'), None, None))
            self.close_connection = True
            return
        if length and len(raw_body) < length:
            # The client died mid-request (SIGKILL): an HTTP server never hands a cut body on.
            self.close_connection = True
            return
        headers = {name: self.headers[name] for name in FORWARDED_HEADERS if name in self.headers}
        path = self.path.removeprefix('/ari')
        if self.recorder.delay:
            time.sleep(self.recorder.delay)
        try:
            answer = self.upstream.request(
                self.command,
                f'{self.recorder.upstream}{path}',
                data=raw_body,
                headers=headers,
                timeout=UPSTREAM_TIMEOUT,
            )
        except requests.RequestException:
            self.recorder.record(AriRecord(started, self.command, path, _json(raw_body), None))
            self.close_connection = True  # no answer at all, as from a dead server
            return
        self.recorder.record(
            AriRecord(started, self.command, path, _json(raw_body), answer.status_code, _json(answer.content))
        )
        self.send_response(answer.status_code)
        if 'Content-Type' in answer.headers:
            self.send_header('Content-Type', answer.headers['Content-Type'])
        self.send_header('Content-Length', str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, *args):
        pass  # the records are the log


def _json(raw_body):
    if not raw_body:
        return None
    try:
        return json.loads(raw_body)
    except ValueError:
        return raw_body.decode(errors='replace')


def _pipe(client, upstream):
    """Bytes both ways until one side closes; the status of the upstream's first answer (None: none).

    Reading the client's socket directly is safe: a websocket client sends nothing after its
    request until the upgrade is answered, so nothing waits in the handler's buffer.
    """
    status = None
    upstream.settimeout(None)
    while True:
        readable, _, _ = select.select([client, upstream], [], [])
        for source in readable:
            try:
                data = source.recv(65536)
            except OSError:
                data = b''
            if not data:
                return status
            if source is upstream and status is None:
                status = int(data.split(b' ', 2)[1])
            try:
                (upstream if source is client else client).sendall(data)
            except OSError:
                return status


def _shut(end):
    try:
        end.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
