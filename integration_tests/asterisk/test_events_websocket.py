# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ARI's events websocket: the fake answers as Asterisk 22 does, and the service acts on it.

The agreement half sends the same upgrades and frames to the real Asterisk and to a fake, and
compares the answers (status, meaningful headers, body by kind). The service half runs the service
with a health poll an hour apart, through the recording proxy (which tunnels the websocket and cuts
it with the rest of ARI): after an Asterisk restart, a crash and an outage, the whole state comes back.
"""
import base64
import json
import socket
import struct
import time

import pytest
import sqlalchemy as sa

from tests.databases import create_database, drop_database
from tests.fakes.fake_ari import FakeAri

from .conftest import ENDPOINTS, TRANSPORT
from .engine import ARI_PASSWORD, ARI_USER
from .service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess

AUTH = 'Basic ' + base64.b64encode(f'{ARI_USER}:{ARI_PASSWORD}'.encode()).decode()
KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
UPGRADE = f'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\n'
MEANINGFUL_HEADERS = (
    'upgrade',
    'connection',
    'sec-websocket-accept',
    'sec-websocket-version',
    'sec-websocket-protocol',
    'www-authenticate',
    'allow',
    'content-type',
)
NEVER = 3600.0
RECOVERY_TIMEOUT = 90.0

HANDSHAKES = {
    'accepted': f'GET /ari/events?app=agree HTTP/1.1\r\nAuthorization: {AUTH}\r\n{UPGRADE}'
    'Sec-WebSocket-Version: 13\r\n',
    'api key': f'GET /ari/events?app=agree&api_key={ARI_USER}:{ARI_PASSWORD} HTTP/1.1\r\n{UPGRADE}'
    'Sec-WebSocket-Version: 13\r\n',
    'sub-protocol ari': f'GET /ari/events?app=agree HTTP/1.1\r\nAuthorization: {AUTH}\r\n{UPGRADE}'
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ari\r\n',
    'unknown sub-protocol': f'GET /ari/events?app=agree HTTP/1.1\r\nAuthorization: {AUTH}\r\n{UPGRADE}'
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n',
    'no application': f'GET /ari/events HTTP/1.1\r\nAuthorization: {AUTH}\r\n{UPGRADE}' 'Sec-WebSocket-Version: 13\r\n',
    'wrong password': f'GET /ari/events?app=agree HTTP/1.1\r\nAuthorization: Basic eDp5\r\n{UPGRADE}'
    'Sec-WebSocket-Version: 13\r\n',
    'no upgrade': f'GET /ari/events?app=agree HTTP/1.1\r\nAuthorization: {AUTH}\r\n',
    'version 6': f'GET /ari/events?app=agree HTTP/1.1\r\nAuthorization: {AUTH}\r\n{UPGRADE}'
    'Sec-WebSocket-Version: 6\r\n',
    'POST': f'POST /ari/events?app=agree HTTP/1.1\r\nAuthorization: {AUTH}\r\nContent-Length: 0\r\n{UPGRADE}'
    'Sec-WebSocket-Version: 13\r\n',
}


class Connection:
    """A raw connection to an HTTP server: requests written as given, answers and frames read back."""

    def __init__(self, port):
        self.socket = socket.create_connection(('127.0.0.1', port), timeout=5)
        self.buffer = b''

    def close(self):
        self.socket.close()

    def send(self, data):
        self.socket.sendall(data)

    def answers(self, request, quiet=0.5):
        """Every HTTP answer to `request` until the server stays quiet (Asterisk may write two)."""
        self.send(request.encode())
        answers = []
        while True:
            answer = self._answer(quiet)
            if answer is None:
                return answers
            answers.append(answer)
            if answer['status'] == 101:
                return answers

    def _answer(self, quiet):
        while b'\r\n\r\n' not in self.buffer:
            if not self._read(quiet):
                return None
        head, self.buffer = self.buffer.split(b'\r\n\r\n', 1)
        status_line, *lines = head.decode('latin-1').split('\r\n')
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(':') for line in lines)}
        length = int(headers.get('content-length', 0))
        while len(self.buffer) < length:
            self._read(quiet)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        kept = {name: headers[name] for name in MEANINGFUL_HEADERS if name in headers}
        if 'content-type' in kept:
            kept['content-type'] = kept['content-type'].split(';')[0].strip().lower()
        if not body:
            meaning = None
        elif kept.get('content-type') == 'application/json':
            meaning = json.loads(body)
        else:
            meaning = 'a page of the HTTP server'
        return {'status': int(status_line.split()[1]), 'headers': kept, 'body': meaning}

    def _read(self, timeout):
        self.socket.settimeout(timeout)
        try:
            data = self.socket.recv(65536)
        except socket.timeout:
            return False
        self.buffer += data
        return bool(data)

    def frame(self, opcode, payload=b''):
        """A masked client frame."""
        mask = b'\x01\x02\x03\x04'
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.send(struct.pack('!BB', 0x80 | opcode, 0x80 | len(payload)) + mask + masked)

    def read_frame(self, timeout=5.0):
        """(opcode, payload) of the next server frame; None when the connection ends first."""
        while (header := self._header()) is None or len(self.buffer) < sum(header):
            if not self._read(timeout):
                return None
        start, length = header
        opcode, payload = self.buffer[0] & 0x0F, self.buffer[start : start + length]
        self.buffer = self.buffer[start + length :]
        return opcode, payload

    def _header(self):
        """(header size, payload length) of the buffered frame (7-bit or 16-bit length), None until known."""
        if len(self.buffer) < 2:
            return None
        length = self.buffer[1] & 0x7F
        if length < 126:
            return 2, length
        assert length == 126, 'no frame of 64 KiB or more is expected here'
        return (4, struct.unpack('!H', self.buffer[2:4])[0]) if len(self.buffer) >= 4 else None


def host(port):
    return f'Host: 127.0.0.1:{port}\r\n'


def handshake(port, name):
    request = HANDSHAKES[name].replace('\r\n', f'\r\n{host(port)}', 1) + '\r\n'
    connection = Connection(port)
    try:
        return connection.answers(request)
    finally:
        connection.close()


def open_events(port, app='agree'):
    connection = Connection(port)
    request = HANDSHAKES['accepted'].replace('app=agree', f'app={app}').replace('\r\n', f'\r\n{host(port)}', 1)
    answers = connection.answers(request + '\r\n')
    assert [answer['status'] for answer in answers] == [101], answers
    return connection


def conversation(port, restart):
    """What one websocket sees: a ping, a second registration of its application, a restart; and a close."""
    seen = {}
    first = open_events(port)
    first.frame(0x9, b'hello')
    seen['ping'] = first.read_frame()
    second = open_events(port)
    opcode, payload = first.read_frame()
    event = json.loads(payload)
    seen['replaced'] = (opcode, event['type'], event['application'], sorted(event))
    first.frame(0x9, b'still')
    seen['ping after replaced'] = first.read_frame()
    second.frame(0x8, struct.pack('!H', 1001))
    seen['close'] = second.read_frame()
    second.close()
    restart()
    seen['at restart'] = first.read_frame(timeout=30)
    first.close()
    return seen


@pytest.mark.parametrize('name', HANDSHAKES)
def test_the_fake_answers_an_events_upgrade_as_asterisk_does(asterisk, name):
    with FakeAri(username=ARI_USER, password=ARI_PASSWORD) as fake:
        fake_answers = handshake(int(fake.url.rsplit(':', 1)[1]), name)

    assert fake_answers == handshake(asterisk.http_port, name)


def test_an_events_websocket_lives_in_the_fake_as_in_asterisk(asterisk):
    with FakeAri(username=ARI_USER, password=ARI_PASSWORD) as fake:
        fake_seen = conversation(int(fake.url.rsplit(':', 1)[1]), fake.restart)
    seen = conversation(asterisk.http_port, asterisk.restart)

    assert fake_seen == seen
    assert seen['ping'] == (0xA, b'hello')
    assert seen['at restart'] is None  # dropped, no close frame


# --- the service acting on it


@pytest.fixture(scope='module')
def watching_service(service_command, work_dir, postgres_server_uri, asterisk, recorder, sip_port):  # noqa: F811
    """The service through the recording proxy, asking Asterisk its startup time once an hour."""
    db_uri, name = create_database(postgres_server_uri, prefix='asterisk_events')
    process = ServiceProcess(
        service_command,
        work_dir / 'events',
        db_uri,
        {'default': recorder.engine_config(asterisk)},
        extra_config={'apply': {'health_interval': NEVER}},
    )
    process.start()
    Api(process.url).post(
        '/sip/transports', {'name': TRANSPORT, 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{sip_port}']]}
    )
    yield process
    process.stop()
    drop_database(postgres_server_uri, name)


@pytest.fixture
def events_api(watching_service, asterisk, recorder):
    client = Api(watching_service.url, MASTER_TOKEN, SUB_TENANT)
    yield client
    recorder.cut_off = False
    if asterisk.pid() is None:
        asterisk.start()
    for endpoint in client.get(ENDPOINTS, params={'limit': 10000})['items']:
        client.delete(f'{ENDPOINTS}/{endpoint["uuid"]}', wait=False)
    wait_until(lambda: synced(client), 'the endpoints are deleted')


def sync_status(api):
    return api.get('/asterisk/pjsip/sync')['engines']['default']


def synced(api):
    status = sync_status(api)
    return status['reachable'] and status['pending_changes'] == 0 and status['refused_changes'] == 0


def wait_until(condition, what):
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f'not within {RECOVERY_TIMEOUT} s: {what}'
        time.sleep(0.05)


def create(api, prefix, count):
    names = [f'{prefix}{index:03d}' for index in range(count)]
    uuids = {}
    for name in names:
        body = {
            'name': name,
            'auth_section_options': [['username', name], ['password', f'{name}-secret']],
            'aor_section_options': [['max_contacts', '1']],
            'endpoint_section_options': [['context', 'first']],
        }
        uuids[name] = api.post(ENDPOINTS, body, wait=False)['uuid']
    wait_until(lambda: synced(api), 'the endpoints are applied')
    return uuids


def held(asterisk, names, context):
    """Whether Asterisk holds every object of these endpoints, the endpoints in `context`."""
    for name in names:
        endpoint = asterisk.object('endpoint', name)
        if endpoint is None or endpoint['context'] != [context]:
            return False
        if asterisk.object('auth', name) is None or asterisk.object('aor', name) is None:
            return False
    return True


def pushed_startup(db_uri):
    engine = sa.create_engine(db_uri)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT startup_time FROM engine_state WHERE engine = 'default'")
            ).scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize('how', ['restart', 'crash'])
def test_the_whole_state_comes_back_after_asterisk_restarts_without_waiting_for_the_poll(
    events_api, watching_service, asterisk, how
):
    names = create(events_api, how, 100)
    if how == 'restart':
        asterisk.restart()
    else:
        asterisk.kill()
        asterisk.start()

    wait_until(lambda: held(asterisk, names, 'first'), 'every endpoint is in Asterisk again')
    assert pushed_startup(watching_service.db_uri) == asterisk.startup_time()
    assert synced(events_api)


def test_changes_made_during_an_outage_go_once_ari_answers_again(events_api, asterisk, recorder):
    uuids = create(events_api, 'outage', 20)
    recorder.cut_off = True
    wait_until(lambda: not sync_status(events_api)['reachable'], 'the outage is reported')
    for uuid in uuids.values():
        events_api.put(f'{ENDPOINTS}/{uuid}', {'endpoint_section_options': [['context', 'second']]}, wait=False)

    recorder.cut_off = False

    wait_until(lambda: synced(events_api) and held(asterisk, uuids, 'second'), 'every change is applied')
