# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Names of its own for each customer (prefix, rename), and a re-import that updates what it made."""
from wazo_confd_pjsip.sipconf import general_template_name

from ..conftest import OTHER, SUB, SUB_OF_SUB
from .conftest import imported, post_sip_conf, rows_by_name
from .test_mapping import SIP_CONF

MADE = ('codecs', 'office', 'sales', 'alice', 'trunk', 'v6trunk', 'reg_198.51.100.99')


def test_three_customers_with_the_same_names_import_side_by_side_with_prefixes(api, database):
    first = imported(api.as_(tenant=SUB), SIP_CONF)
    refused = post_sip_conf(api.as_(tenant=OTHER), SIP_CONF)
    assert refused.status_code == 400
    assert "SIPEndpoint already exists ('name': 'alice')" in str(refused.json)

    second = imported(api.as_(tenant=OTHER), SIP_CONF, query={'prefix': 'other-'})
    third = imported(api.as_(tenant=SUB_OF_SUB), SIP_CONF, query={'prefix': 'third-'})

    rows = rows_by_name(database)
    for report, tenant, prefix in ((first, SUB, ''), (second, OTHER, 'other-'), (third, SUB_OF_SUB, 'third-')):
        assert {rows[prefix + name]['tenant_uuid'] for name in MADE} == {tenant}
        assert report['created']['endpoints'] == [
            prefix + name for name in ('alice', 'trunk', 'v6trunk', 'reg_198.51.100.99')
        ]
        general = prefix + general_template_name(tenant)
        assert rows[prefix + 'alice']['parents'] == [general, prefix + 'sales', prefix + 'codecs']
        assert rows[prefix + 'sales']['parents'] == [prefix + 'office']
    # What wazo-ui shows stays the sip.conf section's name.
    other_alice = api.as_(tenant=OTHER).get('/endpoints/sip', query={'name': 'other-alice'}).json['items'][0]
    assert other_alice['label'] == 'alice'


def test_a_renamed_section_gets_its_name_as_given(api, database):
    report = imported(api.as_(tenant=SUB), SIP_CONF, query={'prefix': 'acme-', 'rename': ['alice=boss', 'office=hq']})

    assert 'boss' in report['created']['endpoints'] and 'acme-trunk' in report['created']['endpoints']
    rows = rows_by_name(database)
    assert rows['boss']['parents'] == [f'acme-{general_template_name(SUB)}', 'acme-sales', 'acme-codecs']
    assert rows['acme-sales']['parents'] == ['hq']


def test_renames_that_cannot_be_are_refused_with_nothing_written(api, database):
    unknown = post_sip_conf(api, SIP_CONF, query={'rename': 'nobody=x'})
    clash = post_sip_conf(api, SIP_CONF, query={'rename': ['alice=trunk']})
    malformed = post_sip_conf(api, SIP_CONF, query={'rename': 'alice'})

    assert unknown.status_code == 400
    assert "--rename nobody=x: sip.conf makes no template or endpoint 'nobody'" in str(unknown.json)
    assert clash.status_code == 400
    assert "'alice', 'trunk' would all be named 'trunk'" in str(clash.json)
    assert (malformed.status_code, malformed.json) == (400, ["Input Error - rename: 'alice': expected OLD=NEW"])
    assert not set(MADE) & set(rows_by_name(database))


CHANGED = SIP_CONF.replace('secret=a\n', 'secret=changed\n') + '\n[bob](sales)\nsecret=b\n'


def test_a_re_import_updates_what_it_made_and_adds_the_rest(api, database):
    imported(api.as_(tenant=SUB), SIP_CONF)
    before = rows_by_name(database)
    refused = post_sip_conf(api.as_(tenant=SUB), CHANGED)
    assert refused.status_code == 400  # a re-import without update: every name is a conflict

    report = imported(api.as_(tenant=SUB), CHANGED, query={'update': 'true'})

    assert report['created']['endpoints'] == ['bob']
    assert report['updated'] == {
        'templates': [general_template_name(SUB), 'codecs', 'office', 'sales'],
        'endpoints': ['alice', 'trunk', 'v6trunk', 'reg_198.51.100.99'],
    }
    rows = rows_by_name(database)
    assert rows['alice']['uuid'] == before['alice']['uuid']
    assert ['password', 'changed'] in rows['alice']['options']['auth']
    assert rows['alice']['parents'] == before['alice']['parents']
    assert rows['bob']['parents'] == [general_template_name(SUB), 'sales']
    history = api.get('/history', query={'change_set_uuid': report['change_set_uuid'], 'recurse': 'true'}).json
    assert {(item['resource'], item['action']) for item in history['items']} >= {
        ('sip_endpoint', 'edited'),
        ('sip_endpoint', 'created'),
    }


def test_a_re_import_never_takes_another_tenants_names(api, database):
    imported(api.as_(tenant=SUB), SIP_CONF)

    response = post_sip_conf(api.as_(tenant=OTHER), SIP_CONF, query={'update': 'true'})

    assert response.status_code == 400
    assert "SIPEndpoint already exists ('name': 'alice')" in str(response.json)
    assert rows_by_name(database)['alice']['tenant_uuid'] == SUB


def test_a_re_import_dry_run_says_what_it_would_update(api, database):
    imported(api.as_(tenant=SUB), SIP_CONF)
    before = rows_by_name(database)

    report = imported(api.as_(tenant=SUB), CHANGED, status=200, dry_run='true', query={'update': 'true'})

    assert report['updated']['endpoints'] == ['alice', 'trunk', 'v6trunk', 'reg_198.51.100.99']
    assert rows_by_name(database) == before
