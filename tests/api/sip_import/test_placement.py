# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan shaped for the service: registrations on their peer, each parent once (pure, no database)."""
import textwrap

from wazo_confd_pjsip.sipconf import Issue, map_sip_conf, once_each, parse, place_registrations

PEERS = '''\
[general]
udpbindaddr=0.0.0.0
{registers}
[trunk]
type=peer
host=203.0.113.1
context=from-trunk
'''


def placed(*registers):
    plan = map_sip_conf(parse(PEERS.format(registers='\n'.join(f'register => {r}' for r in registers))))
    return place_registrations(plan)


def test_a_registration_goes_onto_the_peer_it_targets():
    endpoints, placements, warnings = placed('trunk?acct:pw@provider.example.com/100')

    (trunk,) = endpoints
    assert list(trunk.sections) == ['aor', 'endpoint', 'identify', 'registration', 'registration_outbound_auth']
    assert dict(trunk.sections['registration'])['contact_user'] == '100'
    assert trunk.sections['registration_outbound_auth'] == [('username', 'acct'), ('password', 'pw')]
    assert [(p.endpoint, p.registration.line) for p in placements] == [('trunk', 3)]
    assert warnings == []


def test_a_registration_targeting_no_peer_gets_an_endpoint_of_its_own():
    endpoints, placements, warnings = placed('acct@198.51.100.1')

    assert [(e.name, e.parents, list(e.sections)) for e in endpoints] == [
        ('trunk', [], ['aor', 'endpoint', 'identify']),
        ('reg_198.51.100.1', [], ['registration']),
    ]
    assert [p.endpoint for p in placements] == ['reg_198.51.100.1']
    assert warnings == []


def test_a_peer_carries_one_registration():
    endpoints, placements, warnings = placed('one@203.0.113.1', 'two@203.0.113.1')

    assert [e.name for e in endpoints] == ['trunk', 'reg_203.0.113.1_2']
    assert dict(endpoints[0].sections['registration'])['client_uri'] == 'sip:one@203.0.113.1'
    assert dict(endpoints[1].sections['registration'])['client_uri'] == 'sip:two@203.0.113.1'
    assert [p.endpoint for p in placements] == ['trunk', 'reg_203.0.113.1_2']
    assert warnings == [
        Issue(
            "peer 'trunk' already carries the registration of line 3: this one gets an endpoint of its own, "
            "'reg_203.0.113.1_2'",
            'general',
            'sip.conf',
            4,
        )
    ]


def test_a_template_listed_twice_is_kept_at_its_last_place():
    plan = map_sip_conf(
        parse(
            textwrap.dedent(
                '''\
        [a](!)
        context=a
        [b](!)
        context=b
        [p1](a,a,b)
        type=friend
        [p2](a,b,a)
        type=friend
        '''
            )
        )
    )

    endpoints, warnings = once_each(plan.endpoints)

    assert [(e.name, e.parents) for e in endpoints] == [('p1', ['a', 'b']), ('p2', ['b', 'a'])]
    # Twice in a row is the same as once; apart, the codec order may differ.
    assert warnings == [
        Issue(
            "[p2] inherits 'a' several times: the service lists a template once, at its last place "
            '(the codec preference order may differ)',
            'p2',
            'sip.conf',
            7,
        )
    ]
    assert once_each(plan.templates) == (plan.templates, [])
