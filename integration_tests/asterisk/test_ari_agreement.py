# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fake ARI of the unit tests (tests/fakes/fake_ari.py) answers as the real Asterisk 22 does.

Each case is a list of requests, sent in order once to the real Asterisk and once to a fresh fake;
their answers must agree request by request: the status, the headers that mean something
(``WWW-Authenticate``, ``Allow``, the content type) and the body by meaning — an object's attributes
as a multiset (Asterisk's order is a hash order), what describes the running process (``/asterisk/info``,
modules) by shape, anything else exactly. The cases are the recorded transcripts
(``../shared/reference/ari-transcripts.json``, copied in tests/asterisk) without the requests that
crash Asterisk, every behaviour the fake claims (its docstring, tests/asterisk/test_fake_ari_behaviour.py),
and for every option of the five pushed types values that probe its handler, each created then merged
into. Not compared: what only a restart, a crash or a booting Asterisk shows (other modules restart it).

Objects of a case have ids of their own (``agree-``) and are deleted after it. Objects of the native
file are written into `asterisk.native_file` (res_pjsip reloaded) and given to the fake with
`FakeAri.define_file_object`. A registration only exists in an Asterisk with a transport that can send
its REGISTER: the module adds one to pjsip.conf (the fake assumes there is one).
"""
from __future__ import annotations

import collections
import json
import re
from dataclasses import dataclass

import pytest
import requests

from tests.fakes.fake_ari import FakeAri
from wazo_confd_pjsip.options.catalogue import OptionCatalogue

from .engine import ARI_PASSWORD, ARI_USER, READ_ONLY_ARI_USERS, REPOSITORY
from .sipp import free_udp_port

TRANSCRIPTS = REPOSITORY / 'tests' / 'asterisk' / 'ari-transcripts.json'
READABLE_FILE = str(TRANSCRIPTS)  # for the DTLS file options, which Asterisk checks it can read
CONFIG = '/asterisk/config/dynamic/res_pjsip'
PREFIX = 'agree-'
WRITER = (ARI_USER, ARI_PASSWORD)
VIEWER = READ_ONLY_ARI_USERS[0]
MEANINGFUL_HEADERS = ('WWW-Authenticate', 'Allow', 'Content-Type')
ARI_TIME = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}')
CATALOGUE = OptionCatalogue.bundled()


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # after /ari
    body: object = None  # sent as JSON, unless it is a str (sent as is)
    content_type: str | None = None  # default: application/json when there is a body
    auth: tuple | None = WRITER
    by_shape: frozenset | None = None  # compare the body by shape, except the values of these keys

    def label(self):
        return f'{self.method} {self.path} {json.dumps(self.body)[:200] if self.body is not None else ""}'


@dataclass(frozen=True)
class Native:
    """Write these objects (type, id, [(option, value)]) as the native pjsip.conf objects, replacing any."""

    objects: tuple


@dataclass(frozen=True)
class Case:
    name: str
    steps: tuple


def put(object_type, object_id, fields, auth=WRITER):
    body = {'fields': [{'attribute': attribute, 'value': value} for attribute, value in fields]}
    return Request('PUT', f'{CONFIG}/{object_type}/{PREFIX}{object_id}', body, auth=auth)


def get(object_type, object_id, auth=WRITER):
    return Request('GET', f'{CONFIG}/{object_type}/{PREFIX}{object_id}', auth=auth)


def delete(object_type, object_id, auth=WRITER):
    return Request('DELETE', f'{CONFIG}/{object_type}/{PREFIX}{object_id}', auth=auth)


def case(name, *steps):
    return Case(name, steps)


# --- The cases ---------------------------------------------------------------------------------------

ENDPOINT = [('context', 'from-internal'), ('allow', '!all,ulaw'), ('callerid', '"Alice" <1001>')]
AUTH = [('auth_type', 'userpass'), ('username', 'alice'), ('password', 'secret')]
IDENTIFY = [('endpoint', 'alice'), ('match', '192.0.2.1')]
REGISTRATION = [('server_uri', 'sip:127.0.0.1:5999'), ('client_uri', 'sip:alice@127.0.0.1:5999')]
INFO = frozenset({'version', 'default_language'})
MODULE = frozenset({'name', 'description', 'status', 'support_level'})


def lifecycle(object_type, created, merged):
    return case(
        f'create-merge-delete-{object_type}',
        put(object_type, 'x', created),
        put(object_type, 'x', merged),
        get(object_type, 'x'),
        delete(object_type, 'x'),
        get(object_type, 'x'),
        delete(object_type, 'x'),
    )


def refused(object_type, fields):
    return put(object_type, 'refused', fields)


CLAIMS = [
    lifecycle('endpoint', ENDPOINT, [('context', 'from-test')]),
    lifecycle('aor', [('max_contacts', '1'), ('remove_existing', 'yes')], [('qualify_timeout', '2.5')]),
    lifecycle('auth', AUTH, [('realm', 'example.com')]),
    lifecycle('identify', IDENTIFY, [('srv_lookups', 'no')]),
    lifecycle('registration', REGISTRATION, [('retry_interval', '30')]),
    case(
        'repeatable-options-append-on-update',
        put('endpoint', 'r', ENDPOINT),
        put('endpoint', 'r', [('allow', 'alaw')]),
        put('aor', 'r', [('contact', 'sip:a@192.0.2.1')]),
        put('aor', 'r', [('contact', 'sip:b@192.0.2.2')]),
        put('identify', 'r', IDENTIFY),
        put('identify', 'r', [('match', '192.0.2.0/24')]),
        put('identify', 'r', [('match', '192.0.2.1,2001:db8::/32')]),
        get('identify', 'r'),
    ),
    case(
        'set-var-reads-back-as-the-variables-and-makes-updates-fail',
        put('endpoint', 's', ENDPOINT + [('set_var', '__WAZO_TENANT_UUID=t1'), ('set_var', 'X=1'), ('set_var', 'X=2')]),
        put('endpoint', 's', [('context', 'other')]),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}s', {}),
        get('endpoint', 's'),
    ),
    case(
        'endpoint-without-codecs-cannot-be-updated',
        put('endpoint', 'n', [('context', 'x')]),
        put('endpoint', 'n', [('context', 'y')]),
        put('endpoint', 'n', [('allow', 'ulaw')]),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}n', {}),
        put('endpoint', 'c', [('allow', 'ulaw'), ('disallow', 'ulaw')]),
        put('endpoint', 'c', [('context', 'y')]),
    ),
    case(
        'inline-acl-becomes-a-named-acl-on-update',
        put(
            'endpoint',
            'a',
            ENDPOINT
            + [
                ('deny', '0.0.0.0/0'),
                ('permit', '10.1.0.0/16'),
                ('contact_deny', '0.0.0.0/0'),
                ('contact_permit', '10.2.0.0/16'),
            ],
        ),
        put('endpoint', 'a', [('context', 'other')]),
        get('endpoint', 'a'),
        put('endpoint', 'b', ENDPOINT + [('acl', 'office'), ('deny', '10.0.0.0/8'), ('acl', 'lab')]),
        put('endpoint', 'b', [('context', 'other')]),
        put('endpoint', 'c', ENDPOINT + [('acl', 'a, b')]),
        put('endpoint', 'c', [('context', 'other')]),
        refused('endpoint', ENDPOINT + [('acl', 'a,A')]),
    ),
    case(
        'callerid-unknown-then-the-number-unknown',
        put('endpoint', 'u', [('allow', 'ulaw')]),
        put('endpoint', 'u', [('context', 'other')]),
        put('endpoint', 'u', [('callerid', '')]),
        put('endpoint', 'u', [('context', 'again')]),
    ),
    case(
        'dtls-verify-levels-read-back-and-survive-updates',
        *[
            step
            for level in ('no', 'fingerprint', 'certificate', 'yes', 'FingerPrint')
            for step in (
                put('endpoint', level, ENDPOINT + [('dtls_verify', level)]),
                put('endpoint', level, [('context', 'other')]),
            )
        ],
        refused('endpoint', ENDPOINT + [('dtls_verify', 'maybe')]),
    ),
    case(
        'values-are-normalised',
        put(
            'endpoint',
            'v',
            [
                ('allow', '!all,ULAW,alaw:20'),
                ('direct_media', 'maybe'),
                ('timers', 'forced'),
                ('callerid', '1001'),
                ('tos_audio', 'ef'),
                ('identify_by', 'ip,username,ip'),
                ('webrtc', 'yes'),
                ('call_group', '1,3-5'),
                ('named_call_group', 'sales,hr,it'),
                ('@department', 'sales'),
            ],
        ),
        put('endpoint', 'v', [('context', 'other')]),
        put('aor', 'v', [('qualify_timeout', '3'), ('remove_existing', 'yes'), ('default_expiration', '0x10')]),
        put('auth', 'v', [('username', 'u'), ('password', 'p'), ('supported_algorithms_uas', 'md5,sha-256')]),
        put('identify', 'v', [('endpoint', 'e'), ('match', '10.0.0.1/8, 192.0.2.5:5060, localhost')]),
    ),
    case(
        'values-asterisk-refuses-are-400-and-create-nothing',
        refused('endpoint', [('no_such_option', '1')]),
        refused('endpoint', [('dtmf_mode', 'bogus')]),
        refused('endpoint', [('allow', 'ulaw,notacodec')]),
        refused('endpoint', [('timers_min_se', '-1')]),
        refused('endpoint', [('tos_audio', 'bogus')]),
        refused('endpoint', [('set_var', 'NO_EQUAL_SIGN')]),
        refused('endpoint', [('deny', 'not-an-address')]),
        refused('aor', [('max_contacts', 'abc')]),
        refused('aor', [('qualify_timeout', 'soon')]),
        refused('aor', [('contact', 'http://example.com')]),
        refused('auth', [('auth_type', 'digest'), ('username', 'x')]),
        refused('auth', [('password', 'p')]),
        refused('auth', [('username', 'u'), ('password', 'p'), ('supported_algorithms_uas', 'sha-1')]),
        refused('identify', [('match', '192.0.2.1')]),
        refused('identify', [('endpoint', 'e')]),
        refused('identify', [('endpoint', 'e'), ('match', 'not an ip!!')]),
        refused('registration', [('transport', 'transport-udp')]),
        refused('registration', [('server_uri', 'sip:192.0.2.1')]),
        refused('registration', REGISTRATION + [('line', 'yes')]),
        refused('registration', REGISTRATION + [('endpoint', 'e')]),
        refused('registration', [('server_uri', '192.0.2.1'), ('client_uri', 'sip:u@192.0.2.1')]),
        refused('endpoint', [('dtls_cert_file', '/nonexistent/cert.pem')]),
        refused('endpoint', [('timers_sess_expires', '60')]),
        refused('aor', [('max_contacts', '7 ')]),
        # (a transport with a bind is 403 too, but Asterisk binds its socket first and keeps it)
        refused('transport', [('protocol', 'udp')]),
        get('endpoint', 'refused'),
    ),
    case(
        'numbers-and-addresses-read-as-c-reads-them',
        put('aor', 'c', [('max_contacts', '010'), ('default_expiration', ' 0x10'), ('qualify_timeout', '1e1')]),
        put('identify', 'c', [('endpoint', 'alice'), ('match', '5, 10.1/255.0.255.0')]),
    ),
    case(
        'direct-media-method-reads-back-as-the-connected-line-method',
        put('endpoint', 'd', ENDPOINT + [('direct_media_method', 'update')]),
        put('endpoint', 'd', [('context', 'x')]),
        put('endpoint', 'e', ENDPOINT + [('connected_line_method', 'update')]),
    ),
    case(
        'endpoint-with-preferred-codec-only-cannot-be-updated',
        put('endpoint', 'p', ENDPOINT + [('preferred_codec_only', 'yes')]),
        put('endpoint', 'p', [('context', 'x')]),
        refused('endpoint', ENDPOINT + [('preferred_codec_only', 'yes'), ('incoming_call_offer_pref', 'remote')]),
    ),
    case(
        'registration-outbound-auths-read-back-one-each-and-an-update-keeps-the-last',
        put('registration', 'o', REGISTRATION + [('outbound_auth', 'a,b')]),
        put('registration', 'o', [('retry_interval', '30')]),
    ),
    case(
        'webrtc-turns-on-what-it-needs',
        put('endpoint', 'webrtc', ENDPOINT + [('webrtc', 'yes'), ('dtls_rekey', '5')]),
        put('endpoint', 'webrtc', [('context', 'x')]),
        refused('endpoint', ENDPOINT + [('dtls_auto_generate_cert', 'yes'), ('dtls_cert_file', READABLE_FILE)]),
    ),
    case(
        'contact-user-reads-back-once-given',
        put('endpoint', 'cu', ENDPOINT),
        put('endpoint', 'cu', [('contact_user', 'bob')]),
        put('endpoint', 'cu', [('context', 'x')]),
    ),
    case(
        'updates-that-asterisk-refuses',
        put('endpoint', 'w', ENDPOINT),
        put('endpoint', 'w', [('no_such_option', '1')]),
        put('endpoint', 'w', [('dtmf_mode', 'bogus')]),
        put('endpoint', 'w', [('allow', 'notacodec')]),
        put('endpoint', 'w', [('direct_media', 'maybe')]),
        get('endpoint', 'w'),
    ),
    case(
        'not-found',
        get('endpoint', 'nope'),
        delete('endpoint', 'nope'),
        get('aor', 'nope'),
        Request('PUT', f'{CONFIG.replace("res_pjsip", "res_nope")}/endpoint/x', {'fields': []}),
        Request('GET', f'{CONFIG}/no_such_type/x'),
        Request('GET', '/nope'),
        Request('GET', '/asterisk/nope'),
        Request('GET', '/asterisk/info/'),
    ),
    case(
        'bodies',
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', {}),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', {}),
        put('endpoint', 'e', ENDPOINT),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', {}),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', '{"fields":[{"attribute":"context","value":"x"}'),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', '5'),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', '[]'),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', {'fields': {'attribute': 'context', 'value': 'x'}}),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}e', {'fields': []}),
        Request(
            'PUT',
            f'{CONFIG}/endpoint/{PREFIX}e',
            json.dumps({'fields': [{'attribute': 'context', 'value': 'x'}]}),
            content_type='text/plain',
        ),
        Request(
            'PUT',
            f'{CONFIG}/endpoint/{PREFIX}e',
            {'fields': [{'attribute': 'context', 'value': 'y'}]},
            content_type='application/json; charset=utf-8',
        ),
        get('endpoint', 'e'),
    ),
    case(
        'authentication',
        Request('GET', '/asterisk/info', auth=(ARI_USER, 'wrong')),
        Request('GET', '/asterisk/info', auth=None),
        Request('GET', f'/asterisk/info?api_key={ARI_USER}:{ARI_PASSWORD}', auth=None, by_shape=INFO),
        Request('GET', f'/asterisk/info?api_key={ARI_USER}:wrong', auth=None),
        Request('PUT', '/asterisk/modules/res_pjsip.so', auth=('nobody', 'x')),
        Request('PUT', f'{CONFIG}/endpoint/{PREFIX}x', '{broken', auth=(ARI_USER, 'wrong')),
    ),
    case(
        'read-only-user',
        put('endpoint', 'ro', ENDPOINT),
        put('endpoint', 'ro', [('context', 'x')], auth=VIEWER),
        delete('endpoint', 'ro', auth=VIEWER),
        put('endpoint', 'ro2', ENDPOINT, auth=VIEWER),
        get('endpoint', 'ro', auth=VIEWER),
        Request('PUT', '/asterisk/modules/res_pjsip.so', auth=VIEWER),
        Request('GET', '/asterisk/info', auth=VIEWER, by_shape=INFO),
    ),
    case(
        'native-file-objects-are-read-only',
        Native(
            (
                ('endpoint', 'static', [('context', 'from-file'), ('allow', 'ulaw'), ('callerid', 'x')]),
                ('aor', 'static', [('max_contacts', '2')]),
            )
        ),
        get('endpoint', 'static'),
        put('endpoint', 'static', [('context', 'pushed')]),
        delete('endpoint', 'static'),
        get('aor', 'static'),
        delete('aor', 'static'),
        get('endpoint', 'static'),
    ),
    case(
        'native-file-object-hides-its-pushed-twin',
        put('endpoint', 'twin', ENDPOINT),
        Native((('endpoint', 'twin', [('context', 'from-file'), ('allow', 'ulaw')]),)),
        get('endpoint', 'twin'),
        put('endpoint', 'twin', [('context', 'pushed')]),
        get('endpoint', 'twin'),
    ),
    case(
        'engine-wide-types',
        Request('PUT', f'{CONFIG}/global/{PREFIX}g', {'fields': [{'attribute': 'max_forwards', 'value': '70'}]}),
        Request('GET', f'{CONFIG}/global/{PREFIX}g'),
        Request('GET', f'{CONFIG}/system/{PREFIX}s'),
    ),
    case(
        'modules',
        put('endpoint', 'kept', ENDPOINT),
        Request('PUT', '/asterisk/modules/res_pjsip.so'),
        get('endpoint', 'kept'),
        Request('PUT', '/asterisk/modules/nope.so'),
        Request('GET', '/asterisk/modules/res_pjsip.so', by_shape=MODULE),
        Request('GET', '/asterisk/modules/nope.so'),
        Request('POST', '/asterisk/modules/res_pjsip.so'),
        Request('POST', '/asterisk/modules/nope.so'),
        Request('DELETE', '/asterisk/modules/res_pjsip.so'),
        Request('DELETE', '/asterisk/modules/nope.so'),
        Request('GET', '/asterisk/modules', by_shape=frozenset()),
    ),
    case(
        'info-and-methods',
        Request('GET', '/asterisk/info', by_shape=INFO),
        Request('POST', '/asterisk/info'),
        Request('DELETE', '/asterisk/info'),
        Request('OPTIONS', '/asterisk/info'),
        Request('GET', ''),
        Request('PUT', '/asterisk'),
        Request('GET', f'{CONFIG}/endpoint'),
        Request('POST', f'{CONFIG}/endpoint/x'),
        Request('OPTIONS', f'{CONFIG}/endpoint/x'),
        Request('GET', '/asterisk//info'),
    ),
]


def transcript_case():
    """The recorded exchanges Asterisk answered, in order, with ids of this module."""
    steps = []
    for exchange in json.loads(TRANSCRIPTS.read_text(encoding='utf-8'))['exchanges']:
        if exchange['status'] is None:
            continue  # it crashed Asterisk, or found it dead
        path = exchange['path'].removeprefix('/ari')
        if path.startswith(CONFIG):
            path = re.sub(r'/([^/]+)$', rf'/{PREFIX}\1', path)
        steps.append(
            Request(
                exchange['method'],
                path,
                exchange['request'],
                exchange['content_type'],
                by_shape=INFO if path == '/asterisk/info' else None,
            )
        )
    steps.append(Request('GET', '/asterisk/info', auth=(ARI_USER, 'wrong')))  # noted as 2.5.m
    return Case('recorded-transcripts', tuple(steps))


# Values that probe an option's handler, by kind (and, for a few, by option).
PROBES = {
    'bool': ('Off', 'maybe', ' yes'),
    'uint': ('0x1F', '010', ' 7', '7 ', '-1', '4294967296'),
    'double': ('0x10', '1e3', ' 2.5', '2.5 ', 'inf', 'x'),
    'string': ('a b', 'sip:x@192.0.2.1', ''),
    'path': (READABLE_FILE, '/nonexistent/file', ''),
    'codec': ('!all,ULAW,alaw:20', 'g729,nope', '(ulaw|gsm)', 'all'),
    'codec_prefs': ('prefer: configured, keep: first', 'operation:union', 'what: ever', 'keep', ''),
    'acl': ('5', '10.0.0.0/8,!10.1.0.0/16', '10.0.0.1/255.0.255.0', ' 10.0.0.1', '::ffff:10.0.0.1', '10.0.0.0/33'),
    'group': ('1, 3-5', '1.5', '70', 'x', ','),
    'tos': ('ef', 'AF41', '0x10', '-1', ' 5', 'bogus'),
    'callerid': ('"A" <1>', '(555) 123-4567', 'Name Only', '"1001"', ' "Q \\"x\\"" <1-2>', '<[1-2].', 'a.b.', ''),
    'ipaddr': ('5', '[::1]', '192.0.2.1:5060', 'host.example'),
    'keyvalue': ('A=1', 'B', '=x', ''),
    'list:auth': ('a,b', ' a , b ', ''),
    'list:string': ('a,b', 'b, a, b', ''),
    'list:uri': ('sip:a@192.0.2.1', 'sip:a@192.0.2.1, sips:b@example.com', 'http://x'),
    'list:host_or_cidr': ('5', '192.0.2.0/24, 2001:db8::1', 'localhost', '[::1]:5060', '!192.0.2.1/32', '!192.0.2.1'),
    'digest': ('0123456789abcdef0123456789abcdef', 'SHA-256:' + 'ab' * 32, 'md5:short'),
    'acl:named': ('office', 'a, b', 'a,A'),
    'list:enum:free': ('message', 'MESSAGE,invite', ''),
}
PROBED_BASE = {
    'endpoint': [('allow', 'ulaw')],
    'aor': [],
    'auth': [('username', 'u'), ('password', 'p')],
    'identify': [('endpoint', 'e'), ('match', '192.0.2.9')],
    'registration': REGISTRATION,
}
PROBED_UPDATE = {
    'endpoint': [('context', 'z')],
    'aor': [('max_contacts', '3')],
    'auth': [('realm', 'r')],
    'identify': [('srv_lookups', 'no')],
    'registration': [('retry_interval', '61')],
}


def probes(spec):
    if spec.datatype == 'acl' and spec.name in ('acl', 'contact_acl'):
        return PROBES['acl:named']
    if spec.datatype in ('enum', 'list:enum') and spec.choices:
        first = spec.choices[0]
        return (*spec.choices, first.upper(), f' {first}', f'{first}, {spec.choices[-1]}', 'bogus')
    if spec.datatype == 'list:enum':
        return PROBES['list:enum:free']
    return PROBES.get(spec.datatype, PROBES['string'])


def option_cases():
    for object_type, base in PROBED_BASE.items():
        for name in CATALOGUE.option_names(object_type):
            spec = CATALOGUE.spec(object_type, name)
            if spec.datatype in (None, 'noop'):
                continue
            steps = [
                step
                for value in probes(spec)
                for step in (
                    put(object_type, 'probe', base + [(name, value)]),
                    put(object_type, 'probe', PROBED_UPDATE[object_type]),
                    delete(object_type, 'probe'),
                )
            ]
            yield Case(f'{object_type}.{name}', tuple(steps))


CASES = [transcript_case(), *CLAIMS, *option_cases()]


# --- Running a case ------------------------------------------------------------------------------------


class Backend:
    """Somewhere to send a case's requests: its ARI URL, a session, and how it holds native objects."""

    def __init__(self, url, session):
        self.url = url
        self.session = session

    def run(self, case):
        answers = []
        for step in case.steps:
            if isinstance(step, Native):
                self.define_native(step.objects)
            else:
                answers.append((step.label(), self.answer(step)))
        return answers

    def answer(self, request):
        kwargs = {}
        if request.body is not None:
            kwargs['data'] = request.body if isinstance(request.body, str) else json.dumps(request.body)
            kwargs['headers'] = {'Content-Type': request.content_type or 'application/json'}
        response = self.session.request(
            request.method, self.url + request.path, auth=request.auth, timeout=10, **kwargs
        )
        return {
            'status': response.status_code,
            'headers': meaningful_headers(response),
            'body': meaning(response, request.by_shape),
        }

    def define_native(self, objects):
        raise NotImplementedError


class RealAsterisk(Backend):
    def __init__(self, engine, session):
        super().__init__(engine.ari_url, session)
        self.engine = engine

    def run(self, case):
        try:
            return super().run(case)
        finally:
            self.clean_up(case)

    def clean_up(self, case):
        for step in reversed(case.steps):
            if isinstance(step, Request) and step.method == 'PUT' and step.path.startswith(CONFIG):
                self.session.delete(self.url + step.path, auth=WRITER, timeout=10)
        if any(isinstance(step, Native) for step in case.steps):
            self.define_native(())

    def define_native(self, objects):
        """Write the native file and reload res_pjsip (done when the CLI answers); each object must be there."""
        self.engine.native_file.write_text(
            ''.join(
                f'[{PREFIX}{object_id}]\ntype = {object_type}\n'
                + ''.join(f'{key} = {value}\n' for key, value in fields)
                for object_type, object_id, fields in objects
            )
        )
        self.engine.reload_pjsip()
        missing = [
            (object_type, object_id)
            for object_type, object_id, _ in objects
            if self.engine.object(object_type, PREFIX + object_id) is None
        ]
        assert not missing, f'native objects {missing} not loaded by a reload of res_pjsip'


class Fake(Backend):
    def __init__(self, fake, session):
        super().__init__(f'{fake.url}/ari', session)
        self.fake = fake

    def define_native(self, objects):
        for object_type, object_id, fields in objects:
            self.fake.define_file_object(object_type, f'{PREFIX}{object_id}', fields)


def meaningful_headers(response):
    found = {name: response.headers.get(name) for name in MEANINGFUL_HEADERS if name in response.headers}
    if 'Content-Type' in found:
        found['Content-Type'] = found['Content-Type'].split(';')[0].strip().lower()
    return found


def meaning(response, by_shape):
    """The body as compared: None, an attribute multiset, a shape, a page of the HTTP server, or the JSON."""
    if not response.content:
        return None
    if not response.headers.get('Content-Type', '').startswith('application/json'):
        return 'a page of the HTTP server'  # it names the server, as http.conf says
    body = response.json()
    if by_shape is not None:
        return shape(body, by_shape)
    if isinstance(body, list) and all(
        isinstance(item, dict) and item.keys() == {'attribute', 'value'} for item in body
    ):
        return sorted(collections.Counter((item['attribute'], item['value']) for item in body).items())
    return body


def shape(value, kept, key=None):
    """The structure of a JSON value: keys, and the type of each value, except the values of the `kept` keys."""
    if isinstance(value, dict):
        return {name: shape(item, kept, name) for name, item in value.items()}
    if isinstance(value, list):
        return sorted({json.dumps(shape(item, kept)) for item in value})
    if key in kept:
        return value
    if isinstance(value, str) and ARI_TIME.fullmatch(value):
        return 'an ARI time'
    return type(value).__name__


def difference(asterisk, fake):
    """What differs between two answers: for two attribute lists, only the attributes that differ."""
    if asterisk['status'] == fake['status'] and all(isinstance(answer['body'], list) for answer in (asterisk, fake)):
        only = [sorted(set(one['body']) - set(other['body'])) for one, other in ((asterisk, fake), (fake, asterisk))]
        asterisk, fake = ({**answer, 'body': f'... {lines} ...'} for answer, lines in zip((asterisk, fake), only))
    return f'  Asterisk: {asterisk}\n  fake:     {fake}'


# --- The test ---------------------------------------------------------------------------------------------

TRANSPORT = '[agree-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:{port}\n'


@pytest.fixture(scope='module')
def real_asterisk(asterisk):
    """The suite's Asterisk, with a UDP transport of its own in pjsip.conf for registrations."""
    pjsip_conf = asterisk.etc / 'pjsip.conf'
    original = pjsip_conf.read_text()
    pjsip_conf.write_text(original + '\n' + TRANSPORT.format(port=free_udp_port()))
    asterisk.reload_pjsip()
    assert asterisk.object('transport', 'agree-udp') is not None, 'pjsip.conf not reloaded'
    with requests.Session() as session:
        yield RealAsterisk(asterisk, session)
    pjsip_conf.write_text(original)
    asterisk.reload_pjsip()


@pytest.mark.parametrize('case', CASES, ids=lambda case: case.name)
def test_fake_answers_as_asterisk(real_asterisk, case):
    expected = real_asterisk.run(case)
    with FakeAri(username=ARI_USER, password=ARI_PASSWORD, read_only_users=dict(READ_ONLY_ARI_USERS)) as fake:
        with requests.Session() as session:
            answers = Fake(fake, session).run(case)
        fake.assert_healthy()

    differences = [
        f'{label}\n{difference(asterisk, answer)}'
        for (label, asterisk), (_, answer) in zip(expected, answers)
        if asterisk != answer
    ]
    assert not differences, '\n'.join(differences)
    assert len(answers) == len(expected) == sum(isinstance(step, Request) for step in case.steps)
