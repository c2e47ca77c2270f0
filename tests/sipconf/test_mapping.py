# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import textwrap

import pytest

from wazo_confd_pjsip.sipconf import (
    GENERAL_TEMPLATE,
    Issue,
    PlanEntry,
    PlanRegistration,
    PlanTransport,
    Unmapped,
    general_template_name,
    map_sip_conf,
    parse,
)

from .plan_helpers import unknown_options
from .samples import GOLDEN


def plan_of(text, **kwargs):
    return map_sip_conf(parse(textwrap.dedent(text), **kwargs))


def entry(entries, name):
    return next(e for e in entries if e.name == name)


def test_golden_example():
    plan = plan_of(GOLDEN)

    assert plan.transports == [PlanTransport('transport-udp', [('protocol', 'udp'), ('bind', '0.0.0.0')])]
    assert plan.registrations == [
        PlanRegistration(
            'reg_203.0.113.1',
            [],
            {
                'registration': [
                    ('server_uri', 'sip:203.0.113.1:5060'),
                    ('client_uri', 'sip:myaccountname@203.0.113.1:5060'),
                    ('retry_interval', '20'),
                    ('max_retries', '10'),
                    ('expiration', '120'),
                    ('transport', 'transport-udp'),
                ],
                'registration_outbound_auth': [('username', 'myaccountname'), ('password', '1234567890')],
            },
            'sip.conf',
            3,
            peer='mytrunk',
        )
    ]
    assert plan.endpoints == [
        PlanEntry(
            'mytrunk',
            [],
            {
                'aor': [('contact', 'sip:myaccountname@203.0.113.1')],
                'auth': [('username', 'mytrunk'), ('password', '1234567890')],
                'endpoint': [('disallow', 'all'), ('allow', 'ulaw'), ('context', 'from-external')],
                'identify': [('match', '203.0.113.1')],
                # Asterisk calls this trunk out with its 'username': that is the outbound user.
                'outbound_auth': [('username', 'myaccountname'), ('password', '1234567890')],
            },
            'sip.conf',
            5,
        )
    ]
    assert plan.templates == []
    assert (plan.global_options, plan.system_options) == ({}, {})
    assert (plan.unmapped, plan.warnings, plan.errors) == ([], [], [])


def pairs(**options):
    return list(options.items())


NAT_OFF = pairs(rtp_symmetric='no', force_rport='no', rewrite_contact='no')
DIRECT_MEDIA_DEFAULTS = [
    ('direct_media_method', 'invite'),
    ('direct_media_glare_mitigation', 'none'),
    ('disable_direct_media_on_nat', 'no'),
]

ROWS = [
    *[
        (f'{key}={value}', {'endpoint': [(key, value)]})
        for key, value in (
            ('context', 'internal'),
            ('callerid', '"Alice" <100>'),
            ('language', 'fr'),
            ('send_diversion', 'no'),
            ('tos_audio', 'ef'),
            ('tos_video', 'af41'),
            ('cos_audio', '5'),
            ('cos_video', '4'),
            ('rtp_engine', 'asterisk'),
        )
    ],
    (
        'disallow=all\nallow=ulaw\nallow=alaw,g722',
        {'endpoint': [('disallow', 'all'), ('allow', 'ulaw'), ('allow', 'alaw,g722')]},
    ),
    ('dtmfmode=rfc2833', {'endpoint': [('dtmf_mode', 'rfc4733')]}),
    ('dtmfmode=inband', {'endpoint': [('dtmf_mode', 'inband')]}),
    ('dtmfmode=info', {'endpoint': [('dtmf_mode', 'info')]}),
    ('dtmfmode=auto', {'endpoint': [('dtmf_mode', 'auto')]}),
    ('dtmfmode=shortinfo', {'endpoint': [('dtmf_mode', 'none')]}),
    ('nat=yes', {'endpoint': pairs(rtp_symmetric='yes', force_rport='yes', rewrite_contact='yes')}),
    ('nat=comedia', {'endpoint': pairs(rtp_symmetric='yes', force_rport='no', rewrite_contact='no')}),
    ('nat=force_rport', {'endpoint': pairs(rtp_symmetric='no', force_rport='yes', rewrite_contact='yes')}),
    ('nat=force_rport,comedia', {'endpoint': pairs(rtp_symmetric='yes', force_rport='yes', rewrite_contact='yes')}),
    ('nat=no', {'endpoint': NAT_OFF}),
    ('rtptimeout=60', {'endpoint': [('rtp_timeout', '60')]}),
    ('icesupport=yes', {'endpoint': [('ice_support', 'yes')]}),
    ('autoframing=yes', {'endpoint': [('use_ptime', 'yes')]}),
    ('outboundproxy=proxy.example.com:5070', {'endpoint': [('outbound_proxy', 'sip:proxy.example.com:5070;lr')]}),
    ('mohsuggest=jazz', {'endpoint': [('moh_suggest', 'jazz')]}),
    ('session-timers=originate', {'endpoint': [('timers', 'always')]}),
    ('session-timers=Refuse', {'endpoint': [('timers', 'no')]}),
    ('session-timers=accept', {'endpoint': [('timers', 'yes')]}),
    (
        'session-minse=90\nsession-expires=1800',
        {'endpoint': [('timers_min_se', '90'), ('timers_sess_expires', '1800')]},
    ),
    ('directmedia=yes', {'endpoint': [('direct_media', 'yes')] + DIRECT_MEDIA_DEFAULTS}),
    ('directmedia=no', {'endpoint': [('direct_media', 'no')] + DIRECT_MEDIA_DEFAULTS}),
    # 'nonat' is a word of its own: it never means 'no' (reference defect 4), and the option name is right (3).
    (
        'directmedia=nonat',
        {
            'endpoint': [
                ('direct_media', 'yes'),
                ('direct_media_method', 'invite'),
                ('direct_media_glare_mitigation', 'none'),
                ('disable_direct_media_on_nat', 'yes'),
            ]
        },
    ),
    (
        'canreinvite=update,nonat',
        {
            'endpoint': [
                ('direct_media', 'yes'),
                ('direct_media_method', 'update'),
                ('direct_media_glare_mitigation', 'none'),
                ('disable_direct_media_on_nat', 'yes'),
            ]
        },
    ),
    (
        'directmedia=outgoing',
        {
            'endpoint': [
                ('direct_media', 'yes'),
                ('direct_media_method', 'invite'),
                ('direct_media_glare_mitigation', 'outgoing'),
                ('disable_direct_media_on_nat', 'no'),
            ]
        },
    ),
    ('callingpres=prohib', {'endpoint': [('callerid_privacy', 'prohib')]}),
    ('cid_tag=tag', {'endpoint': [('callerid_tag', 'tag')]}),
    ('trustrpid=yes', {'endpoint': [('trust_id_inbound', 'yes')]}),
    ('sendrpid=yes', {'endpoint': pairs(send_rpid='yes', send_pai='no')}),
    ('sendrpid=rpid', {'endpoint': pairs(send_rpid='yes', send_pai='no')}),
    ('sendrpid=pai', {'endpoint': pairs(send_rpid='no', send_pai='yes')}),
    ('sendrpid=no', {'endpoint': pairs(send_rpid='no', send_pai='no')}),
    ('encryption=yes', {'endpoint': [('media_encryption', 'sdes')]}),
    ('encryption=yes\ndtlsenable=yes', {'endpoint': [('media_encryption', 'dtls')]}),
    ('dtlsenable=yes', {'endpoint': [('media_encryption', 'dtls')]}),
    ('encryption=no', {}),
    ('avpf=yes', {'endpoint': [('use_avpf', 'yes')]}),
    ('recordonfeature=automon', {'endpoint': [('record_on_feature', 'automon'), ('one_touch_recording', 'yes')]}),
    (
        'recordofffeature=automixmon',
        {'endpoint': [('record_off_feature', 'automixmon'), ('one_touch_recording', 'yes')]},
    ),
    ('progressinband=never', {'endpoint': [('inband_progress', 'no')]}),
    ('progressinband=yes', {'endpoint': [('inband_progress', 'yes')]}),
    (
        'callgroup=1\npickupgroup=1-3\nnamedcallgroup=a\nnamedpickupgroup=b',
        {
            'endpoint': [
                ('call_group', '1'),
                ('pickup_group', '1-3'),
                ('named_call_group', 'a'),
                ('named_pickup_group', 'b'),
            ]
        },
    ),
    ('allowtransfer=no', {'endpoint': [('allow_transfer', 'no')]}),
    ('fromuser=u\nfromdomain=example.com', {'endpoint': [('from_user', 'u'), ('from_domain', 'example.com')]}),
    ('mwifrom=vm', {'endpoint': [('mwi_from_user', 'vm')]}),
    ('sdpowner=me\nsdpsession=s', {'endpoint': [('sdp_owner', 'me'), ('sdp_session', 's')]}),
    ('tonezone=fr', {'endpoint': [('tone_zone', 'fr')]}),
    (
        'allowsubscribe=no\nsubscribecontext=blf\nsubminexpiry=30',
        {'endpoint': [('allow_subscribe', 'no'), ('subscribe_context', 'blf'), ('sub_min_expiry', '30')]},
    ),
    ('busylevel=2', {'endpoint': [('device_state_busy_at', '2')]}),
    ('mailbox=100@default', {'endpoint': [('mailboxes', '100@default')]}),
    ('mailbox=100@default\nsubscribemwi=yes', {'aor': [('mailboxes', '100@default')]}),
    (
        'dtlsverify=fingerprint\ndtlsrekey=0\ndtlscertfile=/c.pem\ndtlsprivatekey=/k.pem\ndtlscipher=ALL\n'
        'dtlscafile=/ca.pem\ndtlscapath=/ca\ndtlssetup=actpass',
        {
            'endpoint': [
                ('dtls_verify', 'fingerprint'),
                ('dtls_rekey', '0'),
                ('dtls_cert_file', '/c.pem'),
                ('dtls_private_key', '/k.pem'),
                ('dtls_cipher', 'ALL'),
                ('dtls_ca_file', '/ca.pem'),
                ('dtls_ca_path', '/ca'),
                ('dtls_setup', 'actpass'),
            ]
        },
    ),
    ('encryption_taglen=32', {'endpoint': [('srtp_tag_32', 'yes')]}),
    ('encryption_taglen=80', {'endpoint': [('srtp_tag_32', 'no')]}),
    ('t38pt_udptl=yes', {'endpoint': [('t38_udptl', 'yes'), ('t38_udptl_ec', 'none')]}),
    ('t38pt_udptl=yes,fec', {'endpoint': [('t38_udptl', 'yes'), ('t38_udptl_ec', 'fec')]}),
    (
        't38pt_udptl=yes,redundancy,maxdatagram=400',
        {'endpoint': [('t38_udptl', 'yes'), ('t38_udptl_ec', 'redundancy'), ('t38_udptl_maxdatagram', '400')]},
    ),
    ('t38pt_udptl=no', {'endpoint': [('t38_udptl', 'no'), ('t38_udptl_ec', 'none')]}),
    ('setvar=A=1\nsetvar=B=2', {'endpoint': [('set_var', 'A=1'), ('set_var', 'B=2')]}),
    (
        'qualifyfreq=30\nmaxexpiry=3600\nminexpiry=60\ndefaultexpiry=120',
        {
            'aor': [
                ('qualify_frequency', '30'),
                ('maximum_expiration', '3600'),
                ('minimum_expiration', '60'),
                ('default_expiration', '120'),
            ]
        },
    ),
    (
        'permit=10.0.0.0/8\ndeny=0.0.0.0/0\nacl=named\ncontactpermit=10.1.0.0/16\ncontactdeny=0.0.0.0/0\n'
        'contactacl=named2',
        {
            'endpoint': [
                ('permit', '10.0.0.0/8'),
                ('deny', '0.0.0.0/0'),
                ('acl', 'named'),
                ('contact_permit', '10.1.0.0/16'),
                ('contact_deny', '0.0.0.0/0'),
                ('contact_acl', 'named2'),
            ]
        },
    ),
    # Peer keys: they depend on type, host and the peer's name.
    ('type=friend\nhost=dynamic', {'aor': [('max_contacts', '1')]}),
    (
        'type=peer\nhost=192.0.2.1\nport=5070\ndefaultuser=bob',
        {'aor': [('contact', 'sip:bob@192.0.2.1:5070')], 'identify': [('match', '192.0.2.1')]},
    ),
    (
        'type=peer\nhost=2001:db8::1',
        {'aor': [('contact', 'sip:[2001:db8::1]')], 'identify': [('match', '2001:db8::1')]},
    ),
    (
        'type=peer\nhost=[2001:db8::1]\nport=5070',
        {'aor': [('contact', 'sip:[2001:db8::1]:5070')], 'identify': [('match', '2001:db8::1')]},
    ),
    ('type=user\nhost=192.0.2.1', {'aor': [('contact', 'sip:192.0.2.1')]}),
    (
        'type=friend\nhost=dynamic\ndefaultip=192.0.2.9',
        {'aor': [('max_contacts', '1')], 'identify': [('match', '192.0.2.9')]},
    ),
    # An inbound auth for every secret; no outbound auth for a phone that registers (reference defect 7).
    (
        'type=friend\nhost=dynamic\nsecret=s',
        {'aor': [('max_contacts', '1')], 'auth': [('username', 'p'), ('password', 's')]},
    ),
    (
        'type=peer\nhost=192.0.2.1\nsecret=s',
        {
            'aor': [('contact', 'sip:192.0.2.1')],
            'identify': [('match', '192.0.2.1')],
            'auth': [('username', 'p'), ('password', 's')],
            'outbound_auth': [('username', 'p'), ('password', 's')],
        },
    ),
    (
        'type=peer\nhost=192.0.2.1\nsecret=s\ninsecure=port,invite',
        {
            'aor': [('contact', 'sip:192.0.2.1')],
            'identify': [('match', '192.0.2.1')],
            'outbound_auth': [('username', 'p'), ('password', 's')],
        },
    ),
    (
        'md5secret=0123456789abcdef0123456789abcdef',
        {'auth': [('username', 'p'), ('auth_type', 'md5'), ('md5_cred', '0123456789abcdef0123456789abcdef')]},
    ),
]


@pytest.mark.parametrize('lines, expected', ROWS, ids=[row[0].replace('\n', ' ') for row in ROWS])
def test_every_row_of_the_mapping_table(lines, expected):
    body = lines if lines.startswith('type=') else f'type=user\n{lines}'
    plan = plan_of(f'[p]\n{body}\n')

    assert [(e.name, e.parents) for e in plan.endpoints] == [('p', [])]
    assert plan.endpoints[0].sections == expected
    assert plan.unmapped == []
    assert unknown_options(plan) == []


def test_unknown_dtmf_mode_becomes_none_with_a_warning():
    plan = plan_of('[p]\ntype=user\ndtmfmode=shortinfo\n')

    assert plan.warnings == [
        Issue("dtmfmode 'shortinfo' has no PJSIP equivalent: dtmf_mode = none", 'p', 'sip.conf', 3)
    ]


def test_acls_stay_on_their_own_endpoint():
    plan = plan_of(
        '''\
        [general]
        context=default
        [trunk1]
        type=peer
        host=192.0.2.1
        deny=0.0.0.0/0.0.0.0
        permit=192.0.2.1/255.255.255.255
        [trunk2]
        type=peer
        host=198.51.100.7
        deny=0.0.0.0/0.0.0.0
        permit=198.51.100.0/255.255.255.0
        [phone]
        type=friend
        host=dynamic
        '''
    )

    acl = {'permit', 'deny', 'acl'}
    assert {e.name: [o for o in e.sections.get('endpoint', []) if o[0] in acl] for e in plan.endpoints} == {
        'trunk1': [('deny', '0.0.0.0/0.0.0.0'), ('permit', '192.0.2.1/255.255.255.255')],
        'trunk2': [('deny', '0.0.0.0/0.0.0.0'), ('permit', '198.51.100.0/255.255.255.0')],
        'phone': [],
    }
    assert [o for t in plan.templates for o in t.sections.get('endpoint', []) if o[0] in acl] == []
    assert not acl & (plan.global_options.keys() | plan.system_options.keys())


def test_templates_with_several_parents_and_append_sections():
    plan = plan_of(
        '''\
        [codecs](!)
        disallow=all
        allow=ulaw
        [office](!)
        context=office
        type=friend
        host=dynamic
        [office](+)
        language=fr
        [sales](!,office)
        callgroup=2
        [alice](sales,codecs)
        secret=a
        [alice](+)
        allow=g722
        '''
    )

    assert [(t.name, t.parents, t.sections, t.line) for t in plan.templates] == [
        ('codecs', [], {'endpoint': [('disallow', 'all'), ('allow', 'ulaw')]}, 1),
        ('office', [], {'endpoint': [('context', 'office'), ('language', 'fr')]}, 4),
        ('sales', ['office'], {'endpoint': [('call_group', '2')]}, 10),
    ]
    assert plan.endpoints == [
        PlanEntry(
            'alice',
            ['sales', 'codecs'],
            {
                'aor': [('max_contacts', '1')],
                'auth': [('username', 'alice'), ('password', 'a')],
                'endpoint': [('allow', 'g722')],
            },
            'sip.conf',
            12,
        )
    ]
    assert plan.unmapped == []


def test_a_normal_section_used_as_parent_gets_a_template_of_its_own():
    plan = plan_of(
        '''\
        [base]
        type=friend
        host=dynamic
        context=internal
        [alice](base)
        secret=a
        '''
    )

    assert [(t.name, t.parents, t.sections) for t in plan.templates] == [
        ('base-template', [], {'endpoint': [('context', 'internal')]}),
    ]
    assert [(e.name, e.parents, e.sections) for e in plan.endpoints] == [
        ('base', ['base-template'], {'aor': [('max_contacts', '1')]}),
        (
            'alice',
            ['base-template'],
            {'aor': [('max_contacts', '1')], 'auth': [('username', 'alice'), ('password', 'a')]},
        ),
    ]


def test_general_peer_defaults_become_the_first_template_of_every_endpoint():
    plan = plan_of(
        '''\
        [general]
        context=public
        allowguest=no
        disallow=all
        allow=ulaw
        nat=force_rport,comedia
        secret=not-a-default
        useragent=PBX
        sipdebug=yes
        legacy_useroption_parsing=yes
        timert1=600
        timerb=32000
        compactheaders=yes
        [tmpl](!)
        context=internal
        [alice](tmpl)
        type=friend
        host=dynamic
        [bob]
        type=friend
        host=dynamic
        nat=no
        '''
    )

    assert plan.templates[0] == PlanEntry(
        GENERAL_TEMPLATE,
        [],
        {
            'endpoint': [
                ('context', 'public'),
                ('disallow', 'all'),
                ('allow', 'ulaw'),
                ('rtp_symmetric', 'yes'),
                ('force_rport', 'yes'),
                ('rewrite_contact', 'yes'),
            ]
        },
        'sip.conf',
        1,
        label=GENERAL_TEMPLATE,
    )
    assert [(e.name, e.parents) for e in plan.endpoints] == [
        ('alice', [GENERAL_TEMPLATE, 'tmpl']),
        ('bob', [GENERAL_TEMPLATE]),
    ]
    assert entry(plan.endpoints, 'bob').sections['endpoint'] == NAT_OFF
    assert plan.global_options == {'user_agent': 'PBX', 'debug': 'yes', 'ignore_uri_user_options': 'yes'}
    assert plan.system_options == {'timer_t1': '600', 'timer_b': '32000', 'compact_headers': 'yes'}
    assert plan.unmapped == [
        Unmapped('general', 'sip.conf', 3, 'allowguest', 'no PJSIP equivalent'),
        Unmapped('general', 'sip.conf', 7, 'secret', "chan_sip does not read it from [general]"),
    ]


def test_the_general_template_name_is_chosen_by_the_caller_and_its_label_stays():
    plan = map_sip_conf(parse('[general]\ncontext=public\n[p]\ntype=friend\n'), 'sip-general-t1')

    assert [(t.name, t.label) for t in plan.templates] == [('sip-general-t1', 'sip-general')]
    assert plan.endpoints[0].parents == ['sip-general-t1']
    tenant_uuid = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeee1'
    assert general_template_name(tenant_uuid) == f'sip-general-{tenant_uuid}'


def test_general_callerid_is_not_every_endpoint_callerid():
    plan = plan_of('[general]\ncontext=public\ncallerid="PBX" <100>\n[p]\ntype=friend\nhost=dynamic\n')

    assert plan.templates[0].sections == {'endpoint': [('context', 'public')]}
    assert plan.unmapped == [Unmapped('general', 'sip.conf', 3, 'callerid', "chan_sip does not read it from [general]")]


def test_transports_from_general():
    plan = plan_of(
        '''\
        [general]
        bindaddr=[::]
        bindport=5062
        tcpenable=yes
        tcpbindaddr=0.0.0.0:5065
        tlsenable=yes
        tlsbindaddr=192.0.2.10
        tlscertfile=/etc/cert.pem
        tlsprivatekey=/etc/key.pem
        tlscafile=/etc/ca.pem
        tlscapath=/etc/ca
        tlscipher=ALL
        tlsclientmethod=tlsv1
        externaddr=203.0.113.5:5070
        externtcpport=5066
        externtlsport=5067
        localnet=10.0.0.0/8,172.16.0.0/12
        localnet=192.168.0.0/16
        tos_sip=cs3
        cos_sip=3
        '''
    )

    common = [
        ('local_net', '10.0.0.0/8'),
        ('local_net', '172.16.0.0/12'),
        ('local_net', '192.168.0.0/16'),
        ('tos', 'cs3'),
        ('cos', '3'),
    ]
    external = [('external_signaling_address', '203.0.113.5'), ('external_media_address', '203.0.113.5')]
    assert plan.transports == [
        PlanTransport(
            'transport-udp6',
            [('protocol', 'udp'), ('bind', '[::]:5062')] + external + [('external_signaling_port', '5070')] + common,
        ),
        PlanTransport(
            'transport-tcp',
            [('protocol', 'tcp'), ('bind', '0.0.0.0:5065')] + external + [('external_signaling_port', '5066')] + common,
        ),
        PlanTransport(
            'transport-tls',
            [
                ('protocol', 'tls'),
                ('bind', '192.0.2.10'),
                ('cert_file', '/etc/cert.pem'),
                ('priv_key_file', '/etc/key.pem'),
                ('ca_list_file', '/etc/ca.pem'),
                ('ca_list_path', '/etc/ca'),
                ('cipher', 'ALL'),
                ('method', 'tlsv1'),
            ]
            + external
            + [('external_signaling_port', '5067')]
            + common,
        ),
    ]
    assert plan.unmapped == []
    assert unknown_options(plan) == []


def test_keys_of_a_disabled_transport_are_reported():
    plan = plan_of('[general]\ntcpenable=no\ntcpbindaddr=0.0.0.0\ntlscertfile=/c.pem\n')

    assert [t.name for t in plan.transports] == ['transport-udp']
    assert plan.unmapped == [
        Unmapped('general', 'sip.conf', 3, 'tcpbindaddr', 'no effect in this configuration'),
        Unmapped('general', 'sip.conf', 4, 'tlscertfile', 'no effect in this configuration'),
    ]


REGISTRATION_PEERS = '''\
[general]
tcpenable=yes
registertimeout=30
registerattempts=5
defaultexpiry=600
outboundproxy=proxy.example.com
{registers}
[trunk]
type=peer
host=203.0.113.1
port=5070
defaultuser=acct
[v6trunk]
type=peer
host=2001:db8::1
[twin1]
type=peer
host=198.51.100.1
defaultuser=one
[twin2]
type=peer
host=198.51.100.1
defaultuser=two
'''


def registration_of(register):
    plan = plan_of(REGISTRATION_PEERS.format(registers=f'register => {register}'))
    return plan, plan.registrations[0]


SETTINGS = [('retry_interval', '30'), ('max_retries', '5'), ('expiration', '600')]
PROXY = [('outbound_proxy', 'sip:proxy.example.com;lr')]


AUTH = [('username', 'acct'), ('password', 'pw')]


@pytest.mark.parametrize(
    'register, name, peer, registration, outbound_auth',
    [
        (
            'acct@203.0.113.1:5070',
            'reg_203.0.113.1',
            'trunk',
            [
                ('server_uri', 'sip:203.0.113.1:5070'),
                ('client_uri', 'sip:acct@203.0.113.1:5070'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            None,
        ),
        (
            'acct:pw:authname@203.0.113.1:5070/4000',
            'reg_203.0.113.1',
            'trunk',
            [
                ('server_uri', 'sip:203.0.113.1:5070'),
                ('client_uri', 'sip:acct@203.0.113.1:5070'),
                ('contact_user', '4000'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            [('username', 'authname'), ('password', 'pw')],
        ),
        # The port differs from the trunk's: another registrar.
        (
            'acct:pw@203.0.113.1',
            'reg_203.0.113.1',
            None,
            [
                ('server_uri', 'sip:203.0.113.1'),
                ('client_uri', 'sip:acct@203.0.113.1'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            AUTH,
        ),
        # A peer name as host: the peer's address is the registrar.
        (
            'tcp://acct:pw@trunk/100~900',
            'reg_trunk',
            'trunk',
            [
                ('server_uri', 'sip:203.0.113.1:5070'),
                ('client_uri', 'sip:acct@203.0.113.1:5070'),
                ('contact_user', '100'),
                ('retry_interval', '30'),
                ('max_retries', '5'),
                ('expiration', '900'),
                ('transport', 'transport-tcp'),
                *PROXY,
            ],
            AUTH,
        ),
        (
            'acct:pw@[2001:db8::1]:5060',
            'reg_2001_db8__1',
            'v6trunk',
            [
                ('server_uri', 'sip:[2001:db8::1]:5060'),
                ('client_uri', 'sip:acct@[2001:db8::1]:5060'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            AUTH,
        ),
        # Another port than v6trunk's (5060 by default): another registrar.
        (
            'acct:pw@[2001:db8::1]:5070',
            'reg_2001_db8__1',
            None,
            [
                ('server_uri', 'sip:[2001:db8::1]:5070'),
                ('client_uri', 'sip:acct@[2001:db8::1]:5070'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            AUTH,
        ),
        (
            'acct@example.com:pw@[2001:db8::1]',
            'reg_2001_db8__1',
            'v6trunk',
            [
                ('server_uri', 'sip:[2001:db8::1]'),
                ('client_uri', 'sip:acct@example.com'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            AUTH,
        ),
        (
            'v6trunk?acct@192.0.2.99',
            'reg_192.0.2.99',
            'v6trunk',
            [
                ('server_uri', 'sip:[2001:db8::1]'),
                ('client_uri', 'sip:acct@192.0.2.99'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            None,
        ),
        # Two peers on the registrar's address: the user tells them apart.
        (
            'two@198.51.100.1',
            'reg_198.51.100.1',
            'twin2',
            [
                ('server_uri', 'sip:198.51.100.1'),
                ('client_uri', 'sip:two@198.51.100.1'),
                *SETTINGS,
                ('transport', 'transport-udp'),
                *PROXY,
            ],
            None,
        ),
    ],
)
def test_registration_variants(register, name, peer, registration, outbound_auth):
    plan, made = registration_of(register)

    assert (made.name, made.parents, made.peer) == (name, [], peer)
    assert made.sections['registration'] == registration
    assert made.sections.get('registration_outbound_auth') == outbound_auth
    assert (made.file, made.line) == ('sip.conf', 7)
    assert plan.warnings == []
    assert plan.errors == []


def test_ambiguous_registration_is_not_linked():
    plan, registration = registration_of('nobody@198.51.100.1')

    assert registration.peer is None
    assert plan.warnings == [
        Issue('register line matches several peers (twin1, twin2): not linked', 'general', 'sip.conf', 7)
    ]


def test_registration_naming_an_unknown_peer_is_not_linked():
    plan, registration = registration_of('ghost?acct@203.0.113.1:5070')

    assert registration.peer is None
    assert plan.warnings == [Issue("register line names unknown peer 'ghost': not linked", 'general', 'sip.conf', 7)]


def test_registrations_get_distinct_names_and_need_a_transport():
    plan = plan_of(
        '''\
        [general]
        registerattempts=0
        register => a@203.0.113.1
        register => b@203.0.113.1
        register => tls://c@reg_203.0.113.1
        [reg_203.0.113.1_3]
        type=user
        '''
    )

    assert [r.name for r in plan.registrations] == ['reg_203.0.113.1', 'reg_203.0.113.1_2', 'reg_reg_203.0.113.1']
    assert [dict(r.sections['registration'])['max_retries'] for r in plan.registrations] == ['10000'] * 3
    assert 'transport' not in dict(plan.registrations[2].sections['registration'])
    assert plan.warnings == [
        Issue('registerattempts = 0 (retry forever) becomes max_retries = 10000', 'general', 'sip.conf', 2),
        Issue('no tls transport is enabled in [general]: registration without transport', 'general', 'sip.conf', 5),
    ]


def test_every_unmapped_key_is_reported_with_its_file_and_line():
    plan = plan_of(
        '''\
        [general]
        allowguest=no
        srvlookup=yes
        registertimeout=20
        #include peers.conf
        [authentication]
        auth = bob:pw@example.com
        ''',
        read_include={
            'peers.conf': '[t](!)\nqualify=yes\nport=5070\n[p](t)\ntype=friend\nhost=dynamic\n'
            'insecure=port\naccountcode=42\ncall-limit=2\nvideosupport=yes\n'
            'username=u\n[nothing]\ncontext=x\n'
        }.get,
    )

    assert plan.unmapped == [
        Unmapped('general', 'sip.conf', 2, 'allowguest', 'no PJSIP equivalent'),
        Unmapped('general', 'sip.conf', 3, 'srvlookup', 'no PJSIP equivalent'),
        Unmapped('general', 'sip.conf', 4, 'registertimeout', 'no effect in this configuration'),
        # 'port' and 'username' only make a static contact: p registers (host=dynamic).
        Unmapped('t', 'peers.conf', 3, 'port', 'no effect in this configuration'),
        Unmapped('p', 'peers.conf', 9, 'call-limit', 'no PJSIP equivalent'),
        Unmapped('p', 'peers.conf', 10, 'videosupport', 'no PJSIP equivalent'),
        Unmapped('p', 'peers.conf', 11, 'username', 'no effect in this configuration'),
        Unmapped(
            'nothing', 'peers.conf', 13, 'context', 'section ignored, as chan_sip did: no type = friend, peer or user'
        ),
        Unmapped(
            'authentication',
            'sip.conf',
            7,
            'auth',
            'no PJSIP equivalent: give the trunks that need it an outbound auth',
        ),
    ]
    assert [e.name for e in plan.endpoints] == ['p']
    assert plan.warnings == [
        Issue('section ignored, as chan_sip did: no type = friend, peer or user', 'nothing', 'peers.conf', 12),
    ]


def test_invalid_and_conflicting_names_are_errors():
    plan = plan_of(
        '''\
        [general]
        context=default
        [bad name]
        type=friend
        [global]
        type=friend
        [sip-general]
        type=friend
        [transport-udp]
        type=peer
        [peer-template]
        type=friend
        [peer]
        type=friend
        [child](peer)
        type=friend
        [x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789]
        type=friend
        '''
    )

    assert [(e.message.split(':')[0], e.file, e.line) for e in plan.errors] == [
        ("'bad name' is not a valid PJSIP id", 'sip.conf', 3),
        ("'global' is not a valid PJSIP id", 'sip.conf', 5),
        ("'sip-general' names two objects", 'sip.conf', 7),
        ("'transport-udp' names two objects", 'sip.conf', 9),
        # [peer] is a parent: its template 'peer-template' takes the name first.
        ("'peer-template' names two objects", 'sip.conf', 11),
        (
            "'x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789' is not a valid PJSIP id",  # noqa: E501
            'sip.conf',
            17,
        ),
    ]


def test_values_the_service_would_refuse_are_errors():
    plan = plan_of('[general]\ntimert1=soon\n[p]\ntype=friend\nhost=dynamic\nqualifyfreq=often\nallow=ulaw,nocodec\n')

    assert [(e.section, e.message.split(':')[1].strip(), e.file, e.line) for e in plan.errors] == [
        ('p', 'invalid value for qualify_frequency', 'sip.conf', 3),
        ('p', 'invalid value for allow', 'sip.conf', 3),
        ('system', 'invalid value for timer_t1', 'sip.conf', 1),
    ]


@pytest.mark.parametrize('port', ['abc', '0', '65536', '50 60', '-1'])
def test_an_invalid_port_is_an_error_at_its_line(port):
    plan = plan_of(f'[t](!)\nport={port}\n[a](t)\ntype=peer\nhost=1.2.3.4\n')

    assert plan.errors == [Issue(f"invalid port '{port}': a number from 1 to 65535", 't', 'sip.conf', 2)]
    assert 'contact' not in dict(plan.endpoints[0].sections.get('aor', []))


def test_general_cannot_be_a_parent():
    plan = plan_of('[general]\ncontext=a\n[p](general)\ntype=friend\n')

    assert plan.errors == [Issue('[general] cannot be a parent: it is not a peer', 'general', 'sip.conf', 1)]


KITCHEN_SINK = '\n'.join(
    [
        '[general]',
        'tcpenable=yes',
        'tlsenable=yes',
        'externaddr=203.0.113.9',
        'localnet=10.0.0.0/8',
        'useragent=x',
        'sipdebug=no',
        'legacy_useroption_parsing=no',
        'realm=example.com',
        'timert1=500',
        'timerb=32000',
        'compactheaders=no',
        'tos_sip=cs3',
        'cos_sip=3',
        'tlscertfile=/c',
        'tlsprivatekey=/k',
        'tlscafile=/ca',
        'tlscapath=/cap',
        'tlscipher=ALL',
        'tlsclientmethod=tlsv1',
        'outboundproxy=proxy',
        'register => tcp://u:p:a@trunk/1~60',
        '[trunk]',
        'type=peer',
        'host=192.0.2.1',
        'secret=s',
        'md5secret=0123456789abcdef0123456789abcdef',
        'mailbox=1@d',
        'subscribemwi=yes',
    ]
    + [
        f'[row{number}]\ntype=friend\nhost=dynamic\n{lines}'
        for number, (lines, _) in enumerate(ROWS)
        if not lines.startswith('type=')
    ]
)


def test_every_produced_option_exists_for_its_object_type():
    plan = plan_of(KITCHEN_SINK)

    assert len(plan.endpoints) == 1 + sum(not lines.startswith('type=') for lines, _ in ROWS)
    assert [r.peer for r in plan.registrations] == ['trunk']
    assert plan.errors == []
    assert unknown_options(plan) == []


def test_empty_values_are_reported_not_written():
    plan = plan_of('[general]\nuseragent=\nregistertimeout=\nregister => u@h\n[p]\ntype=user\ncontext=\nallow=\n')

    assert plan.endpoints[0].sections == {}
    assert plan.global_options == {}
    assert dict(plan.registrations[0].sections['registration'])['retry_interval'] == '20'
    assert [(u.key, u.reason) for u in plan.unmapped] == [
        ('useragent', 'empty value: the PJSIP default applies'),
        ('registertimeout', 'empty value: the PJSIP default applies'),
        ('context', 'empty value: the PJSIP default applies'),
        ('allow', 'empty value: the PJSIP default applies'),
    ]


def test_insecure_invite_keeps_the_inbound_auth_of_a_dynamic_peer_with_a_warning():
    plan = plan_of('[p]\ntype=friend\nhost=dynamic\nsecret=s\ninsecure=invite\n')

    assert plan.endpoints[0].sections['auth'] == [('username', 'p'), ('password', 's')]
    assert plan.warnings == [
        Issue(
            "insecure=invite: 'p' has no static host, so its inbound auth is kept:"
            " PJSIP will now challenge its INVITEs",
            'p',
            'sip.conf',
            5,
        )
    ]


def test_insecure_invite_drops_the_inbound_auth_of_a_static_peer_with_a_warning():
    plan = plan_of('[p]\ntype=peer\nhost=192.0.2.1\nsecret=s\ninsecure=invite\n')

    assert 'auth' not in plan.endpoints[0].sections
    assert plan.warnings == [
        Issue("insecure=invite: no inbound auth for 'p', its calls are matched by address only", 'p', 'sip.conf', 5)
    ]


@pytest.mark.parametrize(
    'lines, aor',
    [
        ('qualify=yes', [('max_contacts', '1'), ('qualify_frequency', '60')]),
        ('qualify=no', [('max_contacts', '1'), ('qualify_frequency', '0')]),
        ('qualify=2500', [('max_contacts', '1'), ('qualify_frequency', '60'), ('qualify_timeout', '2.5')]),
        # qualifyfreq gives the frequency; qualify=no still turns it off.
        ('qualifyfreq=30\nqualify=yes', [('qualify_frequency', '30'), ('max_contacts', '1')]),
        (
            'qualifyfreq=30\nqualify=no',
            [('qualify_frequency', '30'), ('max_contacts', '1'), ('qualify_frequency', '0')],
        ),
    ],
)
def test_qualify_becomes_the_aor_qualify_frequency(lines, aor):
    plan = plan_of(f'[p]\ntype=friend\nhost=dynamic\n{lines}\n')

    assert entry(plan.endpoints, 'p').sections['aor'] == aor
    assert plan.unmapped == []


def test_a_qualify_value_not_understood_is_a_warning():
    plan = plan_of('[p]\ntype=friend\nhost=dynamic\nqualify=sometimes\n')

    assert entry(plan.endpoints, 'p').sections['aor'] == [('max_contacts', '1')]
    assert plan.warnings == [Issue("qualify 'sometimes' is not understood and ignored", 'p', 'sip.conf', 4)]


@pytest.mark.parametrize(
    'line, option',
    [
        ('rtpkeepalive=15', ('rtp_keepalive', '15')),
        ('g726nonstandard=yes', ('g726_non_standard', 'yes')),
        ('usereqphone=yes', ('user_eq_phone', 'yes')),
        ('t38pt_usertpsource=yes', ('t38_udptl_nat', 'yes')),
        ('vmexten=*97', ('voicemail_extension', '*97')),
        ('preferred_codec_only=yes', ('preferred_codec_only', 'yes')),
    ],
)
def test_keys_found_by_the_mapping_audit_have_their_endpoint_option(line, option):
    plan = plan_of(f'[p]\ntype=friend\nhost=dynamic\n{line}\n')

    assert option in entry(plan.endpoints, 'p').sections['endpoint']
    assert (plan.unmapped, plan.errors) == ([], [])
