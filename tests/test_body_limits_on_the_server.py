# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Body limits through the real HTTP server (cheroot), with both framings a client may use."""
import socket
from urllib.parse import urlsplit

import pytest

from benchmarks.service_process import running_service
from wazo_confd_pjsip.app import MAX_BODY_BYTES

CHUNK = b'x' * (1024 * 1024)


@pytest.fixture(scope='module')
def service():
    with running_service(0, {'apply': {'worker': False}}) as running:
        yield running


def _send(service, framing_headers, body_chunks):
    """The raw answer's status line: the server may answer and close before the client has sent everything."""
    url = urlsplit(service.base_url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as connection:
        head = (
            f'PUT /1.1/asterisk/pjsip/global HTTP/1.1\r\nHost: localhost\r\nX-Auth-Token: {service.master.token}\r\n'
            f'Content-Type: application/json\r\n{framing_headers}\r\n'
        )
        try:
            connection.sendall(head.encode())
            for chunk in body_chunks:
                connection.sendall(chunk)
        except OSError:
            pass  # refused mid-body: the answer is already there
        return connection.makefile('rb').readline().decode().strip()


def _chunked(parts):
    for part in parts:
        yield b'%x\r\n%s\r\n' % (len(part), part)
    yield b'0\r\n\r\n'


def _oversized():
    yield b'{"options": {"user_agent": "'
    for _ in range(MAX_BODY_BYTES // len(CHUNK) + 1):
        yield CHUNK
    yield b'"}}'


def test_an_oversized_chunked_body_is_refused(service):
    assert (
        _send(service, 'Transfer-Encoding: chunked\r\n', _chunked(_oversized()))
        == 'HTTP/1.1 413 REQUEST ENTITY TOO LARGE'
    )


def test_an_oversized_body_with_its_length_is_refused(service):
    length = sum(len(part) for part in _oversized())
    assert _send(service, f'Content-Length: {length}\r\n', _oversized()) == 'HTTP/1.1 413 REQUEST ENTITY TOO LARGE'


def test_a_small_chunked_body_is_read(service):
    body = [b'{"options": ', b'{"user_agent": "chunked"}}']
    assert _send(service, 'Transfer-Encoding: chunked\r\n', _chunked(body)) == 'HTTP/1.1 204 NO CONTENT'
