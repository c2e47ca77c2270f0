# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from wazo_confd_pjsip.sipconf.addresses import format_hostport, proxy_uri, sip_uri, split_hostport
from wazo_confd_pjsip.sipconf.register_lines import parse_realm_auth, parse_register

FIELDS = ('user', 'secret', 'authuser', 'domain', 'host', 'port', 'extension', 'expiry', 'transport', 'peer')


@pytest.mark.parametrize(
    'text, expected',
    [
        ('user@host', {'user': 'user', 'host': 'host'}),
        ('user:secret@203.0.113.1', {'user': 'user', 'secret': 'secret', 'host': '203.0.113.1'}),
        (
            'user:secret:authuser@host.example.com:5070/1234',
            {
                'user': 'user',
                'secret': 'secret',
                'authuser': 'authuser',
                'host': 'host.example.com',
                'port': '5070',
                'extension': '1234',
            },
        ),
        ('user@example.com:secret@host', {'user': 'user', 'domain': 'example.com', 'secret': 'secret', 'host': 'host'}),
        ('tcp://user:secret@host', {'user': 'user', 'secret': 'secret', 'host': 'host', 'transport': 'tcp'}),
        ('TLS://user@host', {'user': 'user', 'host': 'host', 'transport': 'tls'}),
        ('trunk?user:secret@host', {'peer': 'trunk', 'user': 'user', 'secret': 'secret', 'host': 'host'}),
        (
            'user:secret@host/100~3600',
            {'user': 'user', 'secret': 'secret', 'host': 'host', 'extension': '100', 'expiry': '3600'},
        ),
        ('user:pa~ss@host', {'user': 'user', 'secret': 'pa~ss', 'host': 'host'}),
        (
            'user:secret@[2001:db8::1]:5070/ext',
            {'user': 'user', 'secret': 'secret', 'host': '2001:db8::1', 'port': '5070', 'extension': 'ext'},
        ),
        ('user@[2001:db8::1]', {'user': 'user', 'host': '2001:db8::1'}),
    ],
)
def test_register_variants(text, expected):
    registration = parse_register(text, 'sip.conf', 7)

    assert {field: getattr(registration, field) for field in FIELDS} == {field: expected.get(field) for field in FIELDS}
    assert (registration.file, registration.line_no) == ('sip.conf', 7)


@pytest.mark.parametrize('text', ['nohost', '@host', ':secret@host', 'user@', 'user@host:abc', 'user@[::1', 'u@[::1]x'])
def test_malformed_register_lines(text):
    with pytest.raises(ValueError):
        parse_register(text)


def test_realm_credentials():
    assert parse_realm_auth('bob:p@ss@example.com').secret == 'p@ss'
    assert parse_realm_auth('bob#abc@example.com').md5secret == 'abc'
    for text in ('bob@example.com', 'bob:pw@', ':pw@realm', 'bob:@realm'):
        with pytest.raises(ValueError):
            parse_realm_auth(text)


@pytest.mark.parametrize(
    'text, expected',
    [
        ('host', ('host', None)),
        ('192.0.2.1:5070', ('192.0.2.1', '5070')),
        ('2001:db8::1', ('2001:db8::1', None)),
        ('[2001:db8::1]', ('2001:db8::1', None)),
        ('[::]:5060', ('::', '5060')),
    ],
)
def test_split_hostport(text, expected):
    assert split_hostport(text) == expected


def test_uris_bracket_ipv6_hosts():
    assert format_hostport('::') == '[::]'
    assert sip_uri('2001:db8::1', '5070', 'bob') == 'sip:bob@[2001:db8::1]:5070'
    assert sip_uri('example.com') == 'sip:example.com'


@pytest.mark.parametrize(
    'value, expected',
    [
        ('proxy.example.com', 'sip:proxy.example.com;lr'),
        ('proxy.example.com:5070,force', 'sip:proxy.example.com:5070;lr'),
        ('tls://proxy.example.com', 'sip:proxy.example.com;lr;transport=tls'),
        ('udp://[2001:db8::5]:5062', 'sip:[2001:db8::5]:5062;lr'),
        ('sip:proxy.example.com;lr', 'sip:proxy.example.com;lr'),
    ],
)
def test_outbound_proxy_becomes_a_loose_routing_uri(value, expected):
    assert proxy_uri(value) == expected
