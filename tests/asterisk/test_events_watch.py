# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The watch of ARI's events websocket: one epoch per connection, None while there is none."""
import base64
import hashlib
import socket
import threading
import time

import pytest

from tests.waiting import eventually
from wazo_confd_pjsip.asterisk.events import AriEventsWatch

from .conftest import PASSWORD, USER


@pytest.fixture
def changes():
    return []


def _watch(url, changes, password=PASSWORD, **options):
    return AriEventsWatch(url, USER, password, 'watch-test', lambda: changes.append(time.monotonic()), **options)


def test_each_connection_has_its_epoch_and_none_while_asterisk_is_down(fake_ari, changes):
    watch = _watch(f'{fake_ari.url}/ari', changes)
    watch.start()
    try:
        eventually(lambda: watch.epoch == 1, 'connected')
        fake_ari.down()
        eventually(lambda: watch.epoch is None, 'the drop is seen')
        fake_ari.up()
        eventually(lambda: watch.epoch == 2, 'connected again')
        fake_ari.restart()
        eventually(lambda: watch.epoch == 3, 'a restart is a new connection')
    finally:
        watch.stop()
    assert len(changes) >= 5  # each connection and each drop was told
    assert watch.epoch is None


def test_a_refused_websocket_is_no_connection(fake_ari, changes):
    watch = _watch(fake_ari.url, changes, password='wrong')
    watch.start()
    try:
        time.sleep(0.3)  # several attempts, each answered 401
    finally:
        watch.stop()
    assert watch.epoch is None and changes == []
    assert {r['status'] for r in fake_ari.request_log if r['path'] == '/ari/events'} == {401}


def test_a_connection_that_stops_answering_pings_counts_as_dropped(changes):
    """A peer that completed the handshake, then went silent without closing (a network cut)."""
    server = socket.create_server(('127.0.0.1', 0))
    accepted = []

    def accept_once():
        connection, _ = server.accept()
        accepted.append(connection)
        request = connection.recv(65536).decode()
        key = next(
            line.split(':', 1)[1].strip() for line in request.split('\r\n') if line.startswith('Sec-WebSocket-Key')
        )
        accept = base64.b64encode(hashlib.sha1((key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest())
        connection.sendall(
            b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
            b'Sec-WebSocket-Accept: ' + accept + b'\r\n\r\n'
        )
        server.close()  # the host is gone: no new connection either

    threading.Thread(target=accept_once, daemon=True).start()
    watch = _watch(f'http://127.0.0.1:{server.getsockname()[1]}/ari', changes, ping_interval=0.1)
    watch.start()
    try:
        eventually(lambda: watch.epoch == 1, 'connected')
        eventually(lambda: watch.epoch is None, 'the silent connection is given up')
    finally:
        watch.stop()
        for connection in accepted:
            connection.close()
