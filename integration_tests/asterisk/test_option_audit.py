# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every value the API accepts for an option of a pushed object, a real Asterisk accepts too (issue 16, item 5).

For each option of the bundled catalogue of the five types pushed through ARI, candidate values (valid
examples, and wrong ones for its value kind) go through the API's own validation (`validate_options`, in
process). Each value it accepts is pushed as the product pushes it (`build_objects`: a fresh object holding
that line and what its type needs to exist), then deleted. A value the API accepts and Asterisk refuses is
a finding: the endpoint would sit "rejected" after a 2xx. The API may be stricter than Asterisk (booleans,
for one, Asterisk does not check). Values whose fate depends on Asterisk's host rather than on the value —
files that do not exist there, host names its DNS does not resolve, transports it lacks — are not fed.
"""
import re

import pytest

from wazo_confd_pjsip.asterisk.ari import AriClient, AriRejected
from wazo_confd_pjsip.asterisk.builder import SERVICE_OWNED_KEYS, build_objects
from wazo_confd_pjsip.asterisk.objects import AsteriskObject
from wazo_confd_pjsip.asterisk.renderer import render_pjsip_conf
from wazo_confd_pjsip.options import OptionCatalogue, validate_options
from wazo_confd_pjsip.options.values import CODECS
from wazo_confd_pjsip.sections import SECTION_OBJECT_TYPES

from .conftest import TRANSPORT
from .engine import ARI_PASSWORD, ARI_USER

CATALOGUE = OptionCatalogue.bundled()
AUDITED_TYPES = ('endpoint', 'aor', 'auth', 'identify', 'registration')
NAME = 'option-audit'
TENANT = 'a0000000-0000-4000-8000-0000000000ff'
# UDP over IPv4: a registration needs a transport of its URI's kind. It sends nothing: its first REGISTER waits
# at least a second, and it is deleted at once.
SERVER = 'sip:127.0.0.1:5060'

# What each type needs besides the option under test for Asterisk to create it.
REQUIRED_LINES = {
    'endpoint': [],
    'aor': [],
    'auth': [('username', 'audit'), ('password', 'secret')],
    'identify': [('match', '127.0.0.1')],  # the builder adds endpoint=
    'registration': [('server_uri', SERVER), ('client_uri', 'sip:audit@127.0.0.1')],
}
OAUTH_LINES = [('refresh_token', 'token'), ('oauth_clientid', 'client'), ('oauth_secret', 'secret')]


def is_zero(value):
    return value.isdigit() and int(value) == 0


# Options Asterisk checks against another one: a candidate comes with the partner that lets it stand alone.
PARTNERS = {
    ('endpoint', 'rtp_port_start'): lambda value: [] if is_zero(value) else [('rtp_port_end', '65535')],
    ('endpoint', 'rtp_port_end'): lambda value: [] if is_zero(value) else [('rtp_port_start', '1024')],
    ('endpoint', 'timers_min_se'): lambda value: [('timers_sess_expires', '4294967295')],
    ('auth', 'auth_type'): lambda value: OAUTH_LINES if value == 'google_oauth' else [],
}

MD5 = '0123456789abcdef0123456789abcdef'
SHA256 = MD5 * 2

# Wrong for every kind, or right for free-text ones.
GENERIC = [
    'garbage',
    'two words',
    '-1',
    '4294967296',
    '1.5',
    'x' * 4092,
    'é',
    ':',
    ',',
    'a,b',
    ' a',
    '/',
    '"',
    '<>',
    '%s',
    '\\',
    'a;b',
    '',
]

UINTS = [
    '0',
    '1',
    '59',
    '60',
    '89',
    '90',
    '1023',
    '1024',
    '1025',
    '1800',
    '1801',
    '65534',
    '65535',
    '65536',
    '86400',
    '86401',
    '2147483647',
    '2147483648',
    '4294967295',
    '+1',
    '1e3',
    '0x10',
    '00',
    '1 ',
]
ADDRESSES = [
    '127.0.0.1',
    '::1',
    '[::1]',
    'fe80::1',
    '10.0.0.0/8',
    '10.0.0.0/255.0.0.0',
    '!10.0.0.0/8',
    '::1, 127.0.0.1',
    '127.0.0.1 ,::1',
    '127.0.0.1, 10.0.0.0/8',
    '! 10.0.0.0/8',
    '10.0.0.0 /8',
    'fe80::/64',
    '[fe80::]/64',
    '127.0.0.1:5060',
    '[::1]:5060',
    '10.0.0.0/33',
    '10.0.0.0/255.0.255.0',
    '10.0.0.0/',
    '1.2.3.400',
    '300.1.1.1',
    '1.2.3',
    '127.0.0.1,10.0.0.0/8',
    '127.0.0.1, ::1',
    '127.0.0.1,',
    'localhost',
    'localhost:5060',
]

KIND_CANDIDATES = {
    'bool': ['yes', 'no', 'true', 'false', 'on', 'off', '1', '0', 'Y', 'n', 't', 'F', 'maybe', '2'],
    'uint': UINTS,
    'int': UINTS + ['-2147483648', '-2147483649'],
    'double': ['0', '3.0', '.5', '-1.25', '1e3', '2.', 'nan', 'inf', '1e999', '1.2.3', '0x10'],
    'codec': sorted(CODECS)
    + [
        'all',
        '!all',
        '!all,ulaw,alaw',
        '(ulaw|alaw)',
        'ulaw|alaw',
        'ulaw:20',
        '!ulaw',
        'ULAW',
        'all:20',
        'ulaw, alaw',
        'ulawx',
        'ulaw,,alaw',
        'none',
        'ulaw:abc',
        '(ulaw',
        '!!ulaw',
    ],
    'ipaddr': ADDRESSES + ['example.invalid.', 'a_b'],
    'acl': ADDRESSES,
    'list:cidr': ADDRESSES,
    'list:host_or_cidr': ADDRESSES,
    'keyvalue': ['FOO=bar', 'FOO=', 'FOO==x', '=bar', 'FOO', 'two words=x', '__FOO=bar', 'FOO(x)=y'],
    'callerid': [
        '"Name" <100>',
        'Name <100>',
        '<100>',
        '100',
        '"Name"',
        '"a\\"b" <1>',
        '"open <100>',
        'Name <100',
        'Name 100>',
        '<1><2>',
    ],
    'tos': [
        'ef',
        'EF',
        'cs0',
        'cs7',
        'af11',
        'af43',
        '0',
        '184',
        '255',
        '256',
        '0x10',
        '0xff',
        '0x100',
        '010',
        '0777',
        'cs8',
        'af44',
    ],
    'group': ['0', '1', '63', '64', '1,3-4', '0-63', '3-1', '1-64', '1,,2', '1-', '-3'],
    'list:auth': ['audit', 'a,b', 'a~outbound'],
    'list:uri': [
        'sip:a@127.0.0.1',
        'sip:127.0.0.1:5060',
        'sips:a@example.com',
        '<sip:a@127.0.0.1>',
        'sip:a@127.0.0.1;transport=tcp',
        'sip:a@[::1]:5060',
        'http://x',
        'a@b',
        'sip:',
        'sip:a b',
        'sip:a@127.0.0.1,sip:b@127.0.0.1',
    ],
    'digest': [
        MD5,
        MD5.upper(),
        f'md5:{MD5}',
        f'MD5:{MD5}',
        f'sha-256:{SHA256}',
        f'SHA-512-256:{SHA256}',
        MD5[:-1],
        MD5 + '0',
        f'sha-256:{MD5}',
        'sha-1:' + '0' * 40,
        f'{MD5},sha-256:{SHA256}',
        'z' * 32,
    ],
    'codec_prefs': [
        'prefer: pending, operation: intersect, keep: all',
        'prefer:configured',
        'operation:union',
        'keep:first',
        'transcode:prevent',
        'operation:only_nonpreferred',
        'prefer:bogus',
        'bogus:x',
        'prefer',
        'prefer:pending,,keep:all',
        'PREFER:pending',
    ],
    'path': ['/dev/null', '/etc', 'relative/file.pem'],  # files absent from Asterisk's host are not fed
    'list:string': ['sales', 'sales,hr', 'sales, hr', 'sales,,hr'],
}

LONG_HOST = '.'.join(['a' * 60] * 4) + '.com'
SIP_URIS = [
    'sip:127.0.0.1',
    SERVER,
    'sip:registrar.example.com',
    'sip:trunk@127.0.0.1:5060;transport=udp',
    '<sip:127.0.0.1>',
    'SIP:127.0.0.1',
    'sip:127.0.0.1;lr',
    'sip:127.0.0.1?x=y',
    'sip:a:pw@127.0.0.1',
    'sip:a%20b@127.0.0.1',
    'sip:+33123;user=phone@127.0.0.1',
    f'sip:{LONG_HOST}',
    f'sip:{LONG_HOST}:5060',
    'sip:a b',
    'tel:+33123',
    'http://127.0.0.1',
    'registrar.example.com',
    'sip:a"b@127.0.0.1',
    'sip:@127.0.0.1',
    'sip:a@',
    'sip:127.0.0.1:99999',
    'sip:127.0.0.1:abc',
    'sip:a@b@127.0.0.1',
    '<sip:127.0.0.1',
    'sip:127.0.0.1>',
    'sip:' + 'a' * 508,
]
HEADER_MATCHES = [
    'X-Trunk: one',
    'X-Trunk:one',
    'X-Trunk:',
    'X-Trunk : one',
    'X-Trunk: /^o.e$/',
    'X-Trunk: //',
    'X-Trunk: /[/',
    'X-Trunk: /(?:a)/',
    'X-Trunk: /a{1/',
    'X-Trunk: /[[:foo:]]/',
    'X-Trunk: /a**/',
    'X-Trunk: /a\\/',
    'X-Trunk',
    ': one',
    'Two Words: one',
]
REGEXES = [
    '/^sip:trunk@/',
    '//',
    '/[/',
    '/(?:a)/',
    '/a{1/',
    '/[[:foo:]]/',
    '/a**/',
    '/(a/',
    '/a)/',
    '/a{2,1}/',
    '/*a/',
    '/a|*b/',
    '/\\d+/',
    '/[z-a]/',
    '/a{1,2}b/',
    '/x/',
    '///',
]
USERS = [
    'alice',
    '+33123456',
    's',
    'a.b-c_d~e',
    "a!$&'()*+,;=:%20",
    "a!$&'()*+,;=%20",
    'a:b',
    'a@b',
    'a b',
    'a<b',
    'a"b',
    'a/b',
    'a?b',
    'a[b]',
    'a#b',
    'a|b',
    'a^b',
    'a`b',
    'a{b}',
    'é',
    'x' * 200,
    'x' * 201,
]
SECURITY_MECHANISMS = [
    'msrp-tls',
    'sdes-srtp;mediasec',
    'dtls-srtp;mediasec',
    'msrp-tls;mediasec,sdes-srtp',
    'sdes-srtp;q=0.5',
    'ipsec-3gpp',
    'tls',
    'digest',
    'bogus',
    'sdes-srtp;',
    'sdes-srtp,,tls',
]

# Candidates of options whose handler parses more than its kind says (a string that must be a URI...).
OPTION_CANDIDATES = {
    ('endpoint', 'from_user'): USERS,
    ('endpoint', 'contact_user'): USERS,
    ('registration', 'contact_user'): USERS,
    ('endpoint', 'outbound_proxy'): SIP_URIS + ['sip:proxy.example.com;lr', '<sip:127.0.0.1;lr>'],
    ('aor', 'outbound_proxy'): SIP_URIS + ['sip:proxy.example.com;lr'],
    ('registration', 'outbound_proxy'): SIP_URIS + ['sip:proxy.example.com;lr', '<sip:127.0.0.1;lr>'],
    ('registration', 'server_uri'): SIP_URIS,
    ('registration', 'client_uri'): SIP_URIS + ['sip:trunk@[::1]', 'sips:trunk@127.0.0.1'],
    ('registration', 'contact_header_params'): [
        'foo=bar',
        'foo',
        'a=b;c=d',
        'a+b',
        'a!b',
        "a'b",
        'a*b',
        'a~b',
        'a=',
        '=b',
        ';a',
        'a;',
        'a;;b',
        '[x]',
        'a&b',
        'a$b',
        'a b',
        'a=<b>',
        'x' * 200,
        'x' * 201,
    ],
    ('registration', 'transport'): [TRANSPORT, 'no-such-transport'],
    ('registration', 'security_mechanisms'): SECURITY_MECHANISMS,
    ('endpoint', 'security_mechanisms'): SECURITY_MECHANISMS,
    ('endpoint', 'transport'): [TRANSPORT, 'no-such-transport'],
    ('endpoint', 'mailboxes'): ['1001@default', '1001', '1001@default,1002@default', '1001@'],
    ('aor', 'mailboxes'): ['1001@default', '1001', '1001@default,1002@default', '1001@'],
    ('endpoint', 'follow_redirect_methods'): ['message', 'MESSAGE', 'message,message', 'invite', 'message,'],
    ('endpoint', 'stir_shaken'): ['yes', 'no', 'on', 'off', 'attest', 'verify'],
    ('identify', 'match_header'): HEADER_MATCHES,
    ('identify', 'match_request_uri'): REGEXES + ['sip:trunk@example.com', 'trunk'],
    ('auth', 'md5_cred'): KIND_CANDIDATES['digest'],
    ('auth', 'realm'): ['asterisk', 'example.com', 'a"b'],
    ('endpoint', 'context'): ['default', 'from-internal', 'x' * 80, 'x' * 79],
    ('endpoint', 'subscribe_context'): ['default', 'x' * 80, 'x' * 79],
}


# Options whose values name things of Asterisk's host, unknown to the API: not fed.
HOST_NAMED_OPTIONS = {
    ('endpoint', 'geoloc_incoming_call_profile'),  # profiles of geolocation.conf (res_geolocation)
    ('endpoint', 'geoloc_outgoing_call_profile'),
}
# Asterisk resolves the host names of an identify when it is created; only this one surely resolves here.
RESOLVABLE_NAME = 'localhost'
NAME_ITEM = re.compile('[A-Za-z][A-Za-z0-9.-]*')


def names_an_unresolvable_host(value):
    items = (item.strip(' ') for item in value.split(','))
    return any(NAME_ITEM.fullmatch(item) and item != RESOLVABLE_NAME for item in items)


def candidates(object_type, spec):
    values = KIND_CANDIDATES.get(spec.datatype, []) + OPTION_CANDIDATES.get((object_type, spec.name), [])
    if spec.datatype in ('enum', 'list:enum'):
        values += [*spec.choices, *(choice.upper() for choice in spec.choices), 'bogus', ','.join(spec.choices)]
    if spec.datatype == 'list:enum' and spec.choices:
        values += [f'{spec.choices[0]},', f'{spec.choices[0]},,{spec.choices[-1]}', f'{spec.choices[0]};x']
    values += [spec.default, *GENERIC] if spec.default else GENERIC
    if spec.datatype == 'list:host_or_cidr':
        values = [value for value in values if not names_an_unresolvable_host(value)]
    return list(dict.fromkeys(values))


def audit_cases():
    for object_type in AUDITED_TYPES:
        for key in CATALOGUE.option_names(object_type):
            if (object_type, key) in HOST_NAMED_OPTIONS:
                continue
            spec = CATALOGUE.spec(object_type, key)
            for value in candidates(object_type, spec):
                yield object_type, key, value


def section_of(object_type):
    """The endpoint section that becomes an object of `object_type` under the endpoint's own name."""
    return next(section for section, kind in SECTION_OBJECT_TYPES.items() if kind == object_type)


def lines_for(object_type, key, value):
    partner = PARTNERS.get((object_type, key), lambda _: [])(value)
    return REQUIRED_LINES[object_type] + partner + [(key, value)]


def pushed_object(object_type, key, value):
    """The object the product pushes for a section holding this line, or None when it never pushes the line."""
    lines = lines_for(object_type, key, value)
    objects = build_objects(NAME, TENANT, {section_of(object_type): lines})
    [obj] = [obj for obj in objects if obj.type == object_type]
    return obj if (key, value) in obj.fields else None


def api_accepts(object_type, key, value):
    return not validate_options(CATALOGUE, object_type, [list(line) for line in lines_for(object_type, key, value)])


@pytest.fixture(scope='module')
def ari(asterisk, sip_port):
    """One ARI session on the suite's Asterisk, holding the suite's UDP transport (a registration needs one)."""
    if asterisk.object('transport', TRANSPORT) is None:
        add_suite_transport(asterisk, sip_port)
    with AriClient(asterisk.ari_url, ARI_USER, ARI_PASSWORD) as client:
        yield client


def add_suite_transport(asterisk, sip_port):
    # The very transport the service fixture creates, so that a service started later changes nothing.
    transport = AsteriskObject('transport', TRANSPORT, (('protocol', 'udp'), ('bind', f'127.0.0.1:{sip_port}')))
    text = asterisk.service_file.read_text() if asterisk.service_file.exists() else ''
    asterisk.service_file.write_text(text + render_pjsip_conf([transport]))
    asterisk.reload_pjsip()
    assert asterisk.object('transport', TRANSPORT) is not None, asterisk.log_since(0)[-2000:]


def asterisk_refusal(ari, obj):
    """Asterisk's answer when it refuses `obj` as a new object, or None once it created (and we deleted) it."""
    try:
        ari.put_object(obj)
    except AriRejected as e:
        return str(e)
    ari.delete_object(obj.type, obj.id)
    return None


def test_the_probe_sees_what_asterisk_refuses(ari):
    # Without this, an Asterisk that took everything (or a probe that never reached it) would pass the audit.
    good = AsteriskObject('auth', NAME, (('username', 'u'), ('password', 'p'), ('md5_cred', MD5)))
    bad = AsteriskObject('auth', NAME, (('username', 'u'), ('password', 'p'), ('md5_cred', 'xyz')))
    assert asterisk_refusal(ari, good) is None
    assert 'failed field value validation' in asterisk_refusal(ari, bad)


def test_every_value_the_api_accepts_asterisk_accepts(ari):
    findings, pushed_options = [], set()
    for object_type, key, value in audit_cases():
        if not api_accepts(object_type, key, value):
            continue
        obj = pushed_object(object_type, key, value)
        if obj is None:
            continue  # a line the service owns (aors, auth, endpoint...): replaced, never pushed as given
        pushed_options.add((object_type, key))
        refusal = asterisk_refusal(ari, obj)
        if refusal:
            findings.append(f'{object_type} {key}={value[:60]!r}: {refusal}')
    assert not findings, f'{len(findings)} values the API accepts are refused by Asterisk:\n' + '\n'.join(findings)
    # Each option the service pushes as given was audited with at least one value both sides accept.
    never_pushed = {(object_type, key) for object_type, key, _ in audit_cases()} - pushed_options
    assert never_pushed == {
        (SECTION_OBJECT_TYPES[section], key) for section, keys in SERVICE_OWNED_KEYS.items() for key in keys
    }
