# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Refused imports answer 400 with one clear message per problem, and write nothing."""
import pytest

from tests.sipconf.samples import GOLDEN
from wazo_confd_pjsip.sipconf import general_template_name

from ..conftest import MAIN, SUB
from .conftest import IMPORT, imported, post_sip_conf, row_counts

PEERS = '''\
[general]
context=public
[alice]
type=friend
host=dynamic
[trunk]
type=peer
host=192.0.2.1
'''


@pytest.fixture
def seen(api):
    """The tenants already have their default templates: only the import could add rows."""
    api.announce_tenant()
    api.as_(tenant=SUB).announce_tenant()


def refused(api, database, text, **kwargs):
    before = row_counts(database)
    response = post_sip_conf(api, text, **kwargs)
    assert response.status_code == 400, response.json
    assert row_counts(database) == before
    return response.json


def test_names_taken_in_another_tenant_or_by_a_transport_are_conflicts(api, database, seen):
    api.as_(tenant=SUB).post('/endpoints/sip', json={'name': 'alice'})
    api.post('/sip/transports', json={'name': 'trunk', 'options': [['protocol', 'udp']]})

    assert refused(api, database, PEERS) == [
        "Resource Error - SIPEndpoint already exists ('name': 'alice') (sip.conf:3)",
        "Resource Error - SIPEndpoint already exists ('name': 'trunk') (sip.conf:6)",
    ]


def test_dry_run_lists_the_conflicts(api, seen):
    api.post('/endpoints/sip/templates', json={'name': general_template_name(MAIN)})

    report = imported(api, PEERS, status=200, dry_run='true')

    assert report['conflicts'] == [
        {'name': general_template_name(MAIN), 'kind': 'template', 'section': 'general', 'file': 'sip.conf', 'line': 1},
    ]
    assert report['created']['endpoints'] == ['alice', 'trunk']
    assert report['created']['templates'] == []


def test_an_existing_transport_of_the_same_name_is_kept(api, database):
    kept = api.post('/sip/transports', json={'name': 'transport-udp', 'options': [['protocol', 'udp']]}).json

    report = imported(api, GOLDEN)

    kept_reason = 'a transport of that name exists: kept as it is'
    assert report['skipped'] == [
        {'kind': 'transport', 'name': 'transport-udp', 'reason': kept_reason},
        {'kind': 'transport option', 'name': 'transport-udp: protocol = udp', 'reason': kept_reason},
        {'kind': 'transport option', 'name': 'transport-udp: bind = 0.0.0.0', 'reason': kept_reason},
    ]
    assert report['created']['transports'] == []
    assert api.get('/sip/transports').json['items'] == [kept]


def test_the_nat_keys_of_a_kept_transport_are_each_reported(api):
    api.post('/sip/transports', json={'name': 'transport-udp', 'options': [['protocol', 'udp']]})
    text = '[general]\nudpbindaddr=0.0.0.0\nexternip=198.51.100.7\nlocalnet=10.0.0.0/8\nlocalnet=192.168.0.0/16\n'

    report = imported(api, text)

    skipped = [entry['name'] for entry in report['skipped'] if entry['kind'] == 'transport option']
    assert {
        'transport-udp: external_media_address = 198.51.100.7',
        'transport-udp: external_signaling_address = 198.51.100.7',
        'transport-udp: local_net = 10.0.0.0/8',
        'transport-udp: local_net = 192.168.0.0/16',
    } <= set(skipped)


def test_plan_errors_refuse_the_import(api, database, seen):
    text = '[global]\ntype=friend\nhost=dynamic\n[alice]\ntype=friend\nhost=dynamic\nrtptimeout=soon\n'

    messages = refused(api, database, text)

    assert messages == [
        "Input Error - sip.conf:1: 'global' is not a valid PJSIP id: "
        '1 to 79 characters among letters, digits, "-", "_" and ".", not global or system',
        'Input Error - sip.conf:4: alice: invalid value for rtp_timeout: must be an integer from 0 to 4294967295',
    ]


@pytest.mark.parametrize(
    'data, message',
    [
        (b'[general\ncontext=x\n', "Input Error - sip.conf:1: unterminated section header (no closing ']')"),
        (
            b'[general]\n#include peers.conf\n',
            "Input Error - sip.conf:2: '#include' is not allowed here: provide a single file",
        ),
        (
            b'[general]\ncontext=x\n\xff\xfe\x00\x01garbage',
            'Input Error - sip.conf:3: not utf-8 text: binary or wrongly encoded data',
        ),
        (b'[general]\ncontext=\x00\x01\x02\n', "Input Error - sip.conf:2: binary data (control character '\\x00')"),
        (b'key=value\n', 'Input Error - sip.conf:1: line outside a section'),
        (b'  \n', 'Input Error - body: empty: expected the sip.conf text'),
    ],
    ids=['unterminated header', 'include', 'binary', 'control characters', 'no section', 'empty'],
)
def test_malformed_input(api, database, seen, data, message):
    assert refused(api, database, data) == [message]


def test_a_body_over_10_mb_is_refused_before_reading(api, database, seen):
    data = b'[general]\n' + b';' * (10 * 1024 * 1024 + 1 - len(b'[general]\n'))

    assert refused(api, database, data) == ['Input Error - body: larger than the limit of 10485760 bytes']


def test_a_body_of_exactly_10_mb_is_read(api, database):
    data = b'[general]\ncontext=x\n'
    data += b';' * (10 * 1024 * 1024 - len(data))

    assert imported(api, data, dry_run='yes', status=200)['created']['templates'] == [general_template_name(MAIN)]


@pytest.mark.parametrize(
    'content_type, message',
    [
        ('application/json', 'Input Error - Content-Type: must be text/plain: the sip.conf text'),
        ('text/plain; charset=klingon', "Input Error - Content-Type: unknown charset 'klingon'"),
    ],
)
def test_content_type(api, database, seen, content_type, message):
    assert refused(api, database, GOLDEN, content_type=content_type) == [message]


def test_the_charset_of_the_content_type_decodes_the_text(api):
    text = '[zoe]\ntype=friend\ncallerid="Zoë" <100>\n'.encode('latin-1')

    imported(api, text, content_type='text/plain; charset=latin-1')

    endpoints = api.get('/endpoints/sip', query={'name': 'zoe'}).json['items']
    assert endpoints[0]['endpoint_section_options'] == [['callerid', '"Zoë" <100>']]


def test_dry_run_must_be_a_boolean(api, database, seen):
    assert refused(api, database, GOLDEN, dry_run='maybe') == ['Input Error - dry_run: Not a valid boolean.']


def test_the_acl_is_required(api, database):
    response = api.as_('read-only-token').post(IMPORT, data=GOLDEN, headers={'Content-Type': 'text/plain'})

    assert response.status_code == 401
    assert row_counts(database)['endpoint_sip'] == 0
