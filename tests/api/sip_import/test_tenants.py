# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Endpoints and templates go to the request's tenant; engine-wide objects follow the token's tenant."""
from ..conftest import ENGINE_SETTINGS_RESET, OTHER, OTHER_TOKEN, SUB, SUB_TOKEN
from .conftest import engine_section, imported, rows_by_name
from .test_mapping import SIP_CONF

ENGINE_WIDE = "engine-wide: only the master tenant's administrators may import it"
IMPORTED = (f'sip-general-{SUB}', 'codecs', 'office', 'sales', 'alice', 'trunk', 'v6trunk', 'reg_198.51.100.99')


def test_a_sub_tenant_imports_its_endpoints_and_skips_the_engine_wide_keys(api, database):
    report = imported(api.as_(SUB_TOKEN), SIP_CONF)

    assert report['skipped'] == [
        {'kind': 'transport', 'name': 'transport-udp6', 'reason': ENGINE_WIDE},
        {'kind': 'transport option', 'name': 'transport-udp6: protocol = udp', 'reason': ENGINE_WIDE},
        {'kind': 'transport option', 'name': 'transport-udp6: bind = [::]:5060', 'reason': ENGINE_WIDE},
        {'kind': 'global', 'name': 'user_agent', 'reason': ENGINE_WIDE},
        {'kind': 'system', 'name': 'timer_t1', 'reason': ENGINE_WIDE},
    ]
    assert (report['created']['transports'], report['created']['global'], report['created']['system']) == ([], {}, {})
    assert [(w['message'], w['line']) for w in report['warnings']] == [
        (f"the registration of '{endpoint}' uses transport 'transport-udp6', which does not exist", line)
        for endpoint, line in (('trunk', 10), ('v6trunk', 11), ('reg_198.51.100.99', 12))
    ]
    rows = rows_by_name(database)
    assert {rows[name]['tenant_uuid'] for name in IMPORTED} == {SUB}
    assert api.get('/sip/transports').json['total'] == 0
    assert engine_section(database, 'global') == ENGINE_SETTINGS_RESET['global']
    assert engine_section(database, 'system') == ENGINE_SETTINGS_RESET['system']


def test_a_master_token_into_a_sub_tenant_skips_the_engine_wide_keys_too(api, database):
    # A customer's sip.conf imported by the platform's administrator must not change every tenant's engine.
    report = imported(api.as_(tenant=SUB), SIP_CONF)

    assert [(skipped['name'], skipped['reason']) for skipped in report['skipped']] == [
        ('transport-udp6', ENGINE_WIDE),
        ('transport-udp6: protocol = udp', ENGINE_WIDE),
        ('transport-udp6: bind = [::]:5060', ENGINE_WIDE),
        ('user_agent', ENGINE_WIDE),
        ('timer_t1', ENGINE_WIDE),
    ]
    rows = rows_by_name(database)
    assert {rows[name]['tenant_uuid'] for name in IMPORTED} == {SUB}
    assert engine_section(database, 'global') == ENGINE_SETTINGS_RESET['global']
    assert engine_section(database, 'system') == ENGINE_SETTINGS_RESET['system']


def test_an_existing_transport_named_by_a_registration_is_no_warning(api):
    api.post('/sip/transports', json={'name': 'transport-udp6', 'options': [['protocol', 'udp']]})

    report = imported(api.as_(SUB_TOKEN), SIP_CONF)

    assert report['warnings'] == []


def test_each_tenant_gets_its_own_general_template_labelled_sip_general(api, database):
    text = '[general]\ncontext=from-{}\n[phones](!)\ntype=friend\nhost=dynamic\n[{}100](phones)\nsecret=x\n'

    first = imported(api.as_(SUB_TOKEN), text.format('sub', 'a'))
    second = imported(
        api.as_(OTHER_TOKEN),
        text.format('other', 'b').replace('[phones]', '[b-phones]').replace('(phones)', '(b-phones)'),
    )

    assert first['created']['templates'] == [f'sip-general-{SUB}', 'phones']
    assert second['created']['templates'] == [f'sip-general-{OTHER}', 'b-phones']
    rows = rows_by_name(database)
    assert rows['a100']['parents'] == [f'sip-general-{SUB}', 'phones']
    assert (rows[f'sip-general-{OTHER}']['tenant_uuid'], rows[f'sip-general-{OTHER}']['options']) == (
        OTHER,
        {'endpoint': [['context', 'from-other']]},
    )
    labels = {t['name']: t['label'] for t in api.as_(SUB_TOKEN).get('/endpoints/sip/templates').json['items']}
    assert (labels[f'sip-general-{SUB}'], labels['phones']) == ('sip-general', 'phones')
    endpoint_labels = {e['name']: e['label'] for e in api.as_(SUB_TOKEN).get('/endpoints/sip').json['items']}
    assert endpoint_labels['a100'] == 'a100'
