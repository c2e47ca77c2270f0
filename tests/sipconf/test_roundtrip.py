# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An imported endpoint, its templates resolved, must give what chan_sip gave the peer."""
from hypothesis import given, settings
from hypothesis import strategies as st

from wazo_confd_pjsip.sipconf import flatten_peer, map_flat_peer, map_sip_conf, parse

from .plan_helpers import merged, resolve

CONFIG = '''\
[general]
context=public
disallow=all
allow=ulaw
nat=force_rport,comedia
dtlsenable=yes
insecure=invite
[codecs](!)
disallow=all
allow=alaw
allow=g722
[nat-off](!)
nat=no
directmedia=nonat
[trunks](!,codecs)
type=peer
qualifyfreq=60
setvar=TRUNK=1
permit=192.0.2.0/24
[provider1](trunks,nat-off)
host=192.0.2.1
secret=s
username=acct
[provider1](+)
allow=ulaw
setvar=TRUNK=2
[phones](!)
type=friend
host=dynamic
context=internal
[alice](phones,codecs)
secret=a
encryption=yes
dtlsenable=no
allow += ,opus
[bob](alice)
secret=b
mailbox=100@default
subscribemwi=yes
'''


def check_round_trip(conf, plan):
    assert plan.endpoints
    for endpoint in plan.endpoints:
        flat = flatten_peer(conf, endpoint.name)
        assert merged(resolve(plan, endpoint)) == merged(map_flat_peer(endpoint.name, flat)), endpoint.name


def test_flatten_peer_applies_general_defaults_then_templates_then_own_lines():
    conf = parse(CONFIG)

    assert [(line.key, line.value) for line in flatten_peer(conf, 'bob')] == [
        ('context', 'public'),
        ('disallow', 'all'),
        ('allow', 'ulaw'),
        ('nat', 'force_rport,comedia'),
        ('dtlsenable', 'yes'),
        ('insecure', 'invite'),
        ('type', 'friend'),
        ('host', 'dynamic'),
        ('context', 'internal'),
        ('disallow', 'all'),
        ('allow', 'alaw'),
        ('allow', 'g722'),
        ('secret', 'a'),
        ('encryption', 'yes'),
        ('dtlsenable', 'no'),
        ('allow', 'g722 ,opus'),
        ('secret', 'b'),
        ('mailbox', '100@default'),
        ('subscribemwi', 'yes'),
    ]


def test_map_flat_peer_gives_the_reference_mapping_of_the_flattened_lines():
    conf = parse(CONFIG)

    assert map_flat_peer('provider1', flatten_peer(conf, 'provider1')) == {
        'aor': [('qualify_frequency', '60'), ('contact', 'sip:acct@192.0.2.1')],
        'endpoint': [
            ('context', 'public'),
            ('disallow', 'all'),
            ('allow', 'ulaw'),
            ('rtp_symmetric', 'yes'),
            ('force_rport', 'yes'),
            ('rewrite_contact', 'yes'),
            ('disallow', 'all'),
            ('allow', 'alaw'),
            ('allow', 'g722'),
            ('set_var', 'TRUNK=1'),
            ('permit', '192.0.2.0/24'),
            ('rtp_symmetric', 'no'),
            ('force_rport', 'no'),
            ('rewrite_contact', 'no'),
            ('direct_media', 'yes'),
            ('direct_media_method', 'invite'),
            ('direct_media_glare_mitigation', 'none'),
            ('disable_direct_media_on_nat', 'yes'),
            ('allow', 'ulaw'),
            ('set_var', 'TRUNK=2'),
            ('media_encryption', 'dtls'),
        ],
        'identify': [('match', '192.0.2.1')],
        # insecure=invite from [general]: no inbound auth, only the outbound one.
        'outbound_auth': [('username', 'acct'), ('password', 's')],
    }


def test_imported_endpoints_resolve_to_their_flattened_peer():
    conf = parse(CONFIG)
    plan = map_sip_conf(conf)

    assert [(e.name, e.parents) for e in plan.endpoints] == [
        ('provider1', ['sip-general', 'trunks', 'nat-off']),
        ('alice', ['sip-general', 'alice-template']),
        ('bob', ['sip-general', 'alice-template']),
    ]
    check_round_trip(conf, plan)


LINES = {
    'context': ['a', 'b'],
    'allow': ['ulaw', 'alaw,g722'],
    'disallow': ['all'],
    'nat': ['yes', 'no', 'force_rport,comedia'],
    'directmedia': ['yes', 'no', 'nonat', 'update,nonat'],
    'dtmfmode': ['rfc2833', 'info', 'bogus'],
    'setvar': ['A=1', 'B=2'],
    'permit': ['10.0.0.0/8'],
    'deny': ['0.0.0.0/0'],
    'qualifyfreq': ['60'],
    't38pt_udptl': ['yes,fec', 'no'],
    'sendrpid': ['pai', 'yes'],
    'type': ['friend', 'peer', 'user'],
    'host': ['dynamic', '192.0.2.1', '2001:db8::1'],
    'port': ['5070'],
    'defaultuser': ['u'],
    'secret': ['s1', 's2'],
    'md5secret': ['0123456789abcdef0123456789abcdef'],  # Asterisk takes only a 32-hex MD5 digest
    'insecure': ['invite', 'port'],
    'mailbox': ['1@d'],
    'subscribemwi': ['yes', 'no'],
    'encryption': ['yes', 'no'],
    'dtlsenable': ['yes', 'no'],
    'qualify': ['yes'],
}
line = st.sampled_from(sorted(LINES)).flatmap(lambda key: st.sampled_from(LINES[key]).map(lambda v: f'{key}={v}'))
body = st.lists(line, max_size=6)


@st.composite
def configs(draw):
    sections = ['[general]', *draw(body)]
    names = []
    for number in range(draw(st.integers(0, 4))):
        parents = draw(st.lists(st.sampled_from(names), max_size=2)) if names else []
        sections += [f"[t{number}]({','.join(['!'] + parents)})", *draw(body)]
        names.append(f't{number}')
    for number in range(draw(st.integers(1, 4))):
        parents = draw(st.lists(st.sampled_from(names), max_size=3)) if names else []
        header = f"[p{number}]({','.join(parents)})" if parents else f'[p{number}]'
        sections += [header, f"type={draw(st.sampled_from(LINES['type']))}", *draw(body)]
        names.append(f'p{number}')
    return '\n'.join(sections) + '\n'


@settings(max_examples=100, deadline=None)
@given(configs())
def test_any_config_round_trips(text):
    conf = parse(text)
    plan = map_sip_conf(conf)

    assert plan.errors == []
    check_round_trip(conf, plan)
    positions = [(u.file, u.line) for u in plan.unmapped]
    assert len(positions) == len(set(positions))
