# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every exchange recorded with a real Asterisk 22.10.1, replayed in order against the fake.

Answers are compared as Asterisk gives them: attribute lists as multisets (Asterisk's order is a
hash order), error bodies exactly. Some recorded answers are notes (grep output of the body, log
lines): the facts they state are checked. "status null" means Asterisk died: the request must crash
the fake (or find it dead), and the recording restarted Asterisk before the next live request.
"""

import json
import re
from pathlib import Path

import pytest
import requests

from tests.fakes.fake_ari import FakeAri

from .conftest import PASSWORD, USER

TRANSCRIPTS = json.loads((Path(__file__).parent / 'ari-transcripts.json').read_text(encoding='utf-8'))
EXCHANGES = TRANSCRIPTS['exchanges']
_GREPPED_FIELD = re.compile(r'^("attribute":"[^"]*","value":.*)$', re.MULTILINE)
_CLI_FIELD = re.compile(r'^ (\S+)\s+: (.*)$', re.MULTILINE)


class Answer:
    def __init__(self, status, body, crashed, headers=None):
        self.status = status
        self.body = body
        self.crashed = crashed
        self.headers = headers or {}


@pytest.fixture(scope='module')
def replay():
    answers = []
    with FakeAri(username=USER, password=PASSWORD) as fake:
        session = requests.Session()
        session.auth = (USER, PASSWORD)
        for exchange in EXCHANGES:
            if fake.crashes and _is_live_request(exchange):
                fake.restart()  # as the recording did with the start script
            answers.append(_send(session, fake, exchange))
        session.close()
    return answers


def _is_live_request(exchange):
    # A bodiless request answered by nothing was sent to the dead Asterisk, before its restart.
    return not (exchange['status'] is None and exchange['request'] is None)


def _send(session, fake, exchange):
    crashes_before = len(fake.crashes)
    kwargs = {}
    if exchange['content_type']:
        request = exchange['request']
        kwargs['data'] = request if isinstance(request, str) else json.dumps(request)
        kwargs['headers'] = {'Content-Type': exchange['content_type']}
    try:
        response = session.request(exchange['method'], fake.url + exchange['path'], timeout=5, **kwargs)
    except requests.ConnectionError:
        return Answer(None, None, len(fake.crashes) > crashes_before)
    body = response.json() if response.content else None
    return Answer(response.status_code, body, len(fake.crashes) > crashes_before, response.headers)


def _pairs(fields):
    return sorted((field['attribute'], field['value']) for field in fields)


@pytest.mark.parametrize('index', range(len(EXCHANGES)), ids=lambda i: f'{i}-{EXCHANGES[i]["method"]}')
def test_same_answer_as_asterisk(replay, index):
    exchange = EXCHANGES[index]
    expected = exchange['response']
    answer = replay[index]

    assert answer.status == exchange['status']
    if exchange['status'] is None:
        # a request with a body killed Asterisk; one without found it dead
        assert answer.crashed == (exchange['request'] is not None)
    elif isinstance(expected, list):
        assert _pairs(answer.body) == _pairs(expected)
    elif isinstance(expected, dict) and exchange['path'] == '/ari/asterisk/info':
        _assert_same_info(answer.body, expected)
    elif isinstance(expected, dict):
        assert answer.body == expected
    elif isinstance(expected, str):
        _assert_noted_facts(answer, expected)


def _assert_same_info(body, expected):
    assert body.keys() == expected.keys()
    assert body['system']['version'] == expected['system']['version']
    assert body['status'].keys() == expected['status'].keys()
    time_format = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}')
    assert time_format.fullmatch(expected['status']['startup_time'])
    assert time_format.fullmatch(body['status']['startup_time'])


def _assert_noted_facts(answer, note):
    first_line = note.splitlines()[0]
    if first_line.startswith('{'):
        assert answer.body == json.loads(first_line)
    elif first_line.startswith('(body: full attribute list'):
        assert isinstance(answer.body, list)
        attributes = [field['attribute'] for field in answer.body]
        assert len(attributes) == len(set(attributes))
    elif answer.status == 204:
        assert answer.body is None
    shown = dict(_pairs(answer.body)) if isinstance(answer.body, list) else {}
    for grepped in _GREPPED_FIELD.findall(note):
        try:
            field = json.loads('{' + grepped + '}')
        except ValueError:
            continue  # the grep cut the value short
        assert shown[field['attribute']] == field['value']
    for attribute, value in _CLI_FIELD.findall(note):
        assert shown[attribute] == value


def test_wrong_credentials_as_recorded():
    note = next(e['response'] for e in EXCHANGES if isinstance(e['response'], str) and 'HTTP/1.1 401' in e['response'])
    challenge = re.search(r'^WWW-Authenticate: (.*)$', note, re.MULTILINE).group(1)
    body = json.loads(re.search(r'^(\{"message":"Authentication required"\})$', note, re.MULTILINE).group(1))
    with FakeAri(username=USER, password=PASSWORD) as fake:
        response = requests.get(f'{fake.url}/ari/asterisk/info', auth=(USER, 'wrong'), timeout=5)
    assert response.status_code == 401
    assert response.headers['WWW-Authenticate'] == challenge
    assert response.json() == body


def test_every_recorded_exchange_is_replayed(replay):
    assert len(replay) == len(EXCHANGES) == 45
