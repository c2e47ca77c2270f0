# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A sip.conf of the size operators hold: 5,000 peers on 20 templates."""
from wazo_confd_pjsip.sipconf import GENERAL_TEMPLATE, map_sip_conf, parse

from .plan_helpers import unknown_options
from .test_roundtrip import check_round_trip

TEMPLATE_LINES = [
    'disallow=all\nallow=ulaw,alaw',
    'context=internal',
    'nat=force_rport,comedia',
    'directmedia=nonat',
    'dtmfmode=rfc2833',
    'qualifyfreq=60',
    'callgroup=1',
    'sendrpid=pai',
    'language=fr',
    'setvar=SITE=1',
]


def generated_sip_conf(peers=5000, templates=20):
    sections = [
        '[general]\nudpbindaddr=0.0.0.0:5060\ncontext=public\nallowguest=no\nuseragent=PBX',
        *(f'register => acct{n}:pw{n}@trunk{n}' for n in range(3)),
    ]
    for n in range(templates):
        # Roots, then chains, then two parents each (diamonds on the roots).
        parents = [f'tmpl{n - 10}'] * (n >= 10) + [f'tmpl{n - 5}'] * (n >= 5)
        sections.append(f"[tmpl{n}]({','.join(['!'] + parents)})\n{TEMPLATE_LINES[n % len(TEMPLATE_LINES)]}")
    for n in range(peers):
        if n < 3:
            body = f'type=peer\nhost=192.0.2.{n + 1}\nsecret=t{n}\ninsecure=invite'
        else:
            body = f'type=friend\nhost=dynamic\nsecret=s{n}\ncallerid="Peer {n}" <{n}>\nqualify=yes'
        prefix = 'trunk' if n < 3 else 'peer'
        sections.append(f'[{prefix}{n}](tmpl{n % templates},tmpl{(n * 7) % templates})\n{body}')
    return '\n'.join(sections) + '\n'


def test_five_thousand_peers_on_twenty_templates():
    text = generated_sip_conf()
    conf = parse(text)
    plan = map_sip_conf(conf)

    assert len(conf.definitions) == 1 + 20 + 5000
    assert [t.name for t in plan.templates] == [GENERAL_TEMPLATE] + [f'tmpl{n}' for n in range(20)]
    parents = {template.name: template.parents for template in plan.templates}
    assert (parents['tmpl4'], parents['tmpl5'], parents['tmpl15']) == ([], ['tmpl0'], ['tmpl5', 'tmpl10'])
    assert len(plan.endpoints) == 5000
    assert plan.endpoints[4999].parents == [GENERAL_TEMPLATE, 'tmpl19', 'tmpl13']
    assert plan.endpoints[4999].sections == {
        'aor': [('max_contacts', '1'), ('qualify_frequency', '60')],
        'auth': [('username', 'peer4999'), ('password', 's4999')],
        'endpoint': [('callerid', '"Peer 4999" <4999>')],
    }
    assert [(r.name, r.peer) for r in plan.registrations] == [(f'reg_trunk{n}', f'trunk{n}') for n in range(3)]
    assert [u.key for u in plan.unmapped] == ['allowguest']
    assert plan.errors == []
    assert [w.message for w in plan.warnings] == [
        f"insecure=invite: no inbound auth for 'trunk{n}', its calls are matched by address only" for n in range(3)
    ]
    assert unknown_options(plan) == []
    check_round_trip(conf, plan)
