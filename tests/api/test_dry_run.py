# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`?dry_run=true`: the usual validation, a 200 preview, and nothing left behind."""
import sqlalchemy as sa

DRY = {'dry_run': 'true'}
TABLES = (
    'endpoint_sip',
    'endpoint_sip_parent',
    'sip_transport',
    'pjsip_engine_section',
    'apply_outbox',
    'change_history',
)


def snapshot(core):
    with core.db.read_only() as session:
        return {table: session.execute(sa.text(f'SELECT * FROM {table} ORDER BY 1')).all() for table in TABLES}


def test_endpoint_create_previews_it_and_leaves_nothing(api, core, change_recorder):
    before = snapshot(core)

    response = api.post('/endpoints/sip', json={'name': 'dry'}, query=DRY)

    assert response.status_code == 200, response.json
    items = response.json['endpoints']['items']
    assert response.json['endpoints']['total'] == 1
    assert [item['name'] for item in items] == ['dry']
    assert response.json['reload_required'] is False
    assert snapshot(core) == before
    assert change_recorder.changes == []


def test_endpoint_update_and_delete_preview_the_endpoint(api, core):
    endpoint = api.post('/endpoints/sip', json={'name': 'kept'}).json
    before = snapshot(core)
    path = f'/endpoints/sip/{endpoint["uuid"]}'

    updated = api.put(path, json={**endpoint, 'label': 'new'}, query=DRY)
    deleted = api.delete(path, query=DRY)

    expected = {'total': 1, 'items': [{'uuid': endpoint['uuid'], 'name': 'kept'}]}
    assert (updated.status_code, updated.json['endpoints']) == (200, expected)
    assert (deleted.status_code, deleted.json['endpoints']) == (200, expected)
    assert snapshot(core) == before
    assert api.get(path).json['label'] == endpoint['label']


def test_template_update_previews_its_descendants(api, core):
    template = api.post('/endpoints/sip/templates', json={'label': 'tpl'}).json
    names = [f'child-{n:03}' for n in range(102)]
    for name in names:
        api.post('/endpoints/sip', json={'name': name, 'templates': [{'uuid': template['uuid']}]})

    response = api.put(f'/endpoints/sip/templates/{template["uuid"]}', json={**template, 'label': 'x'}, query=DRY)

    assert response.status_code == 200, response.json
    assert response.json['endpoints']['total'] == 102
    assert len(response.json['endpoints']['items']) == 100
    assert {item['name'] for item in response.json['endpoints']['items']} <= set(names)
    assert api.get(f'/endpoints/sip/templates/{template["uuid"]}').json['label'] == 'tpl'


def test_transport_create_requires_a_reload(api, core):
    before = snapshot(core)

    response = api.post('/sip/transports', json={'name': 'dry-udp', 'options': [['protocol', 'udp']]}, query=DRY)

    assert (response.status_code, response.json['reload_required']) == (200, True)
    assert snapshot(core) == before


def test_invalid_input_gets_the_usual_error(api):
    real = api.post('/endpoints/sip', json={'name': 42})
    dry = api.post('/endpoints/sip', json={'name': 42}, query=DRY)

    assert real.status_code == 400
    assert (dry.status_code, dry.json) == (real.status_code, real.json)


def test_bad_dry_run_value_is_400_naming_it(api):
    response = api.post('/endpoints/sip', json={'name': 'x'}, query={'dry_run': 'maybe'})

    assert response.status_code == 400
    assert 'dry_run' in response.json[0]


def test_dry_run_wins_over_wait_applied(api, core):
    before = snapshot(core)

    response = api.post('/endpoints/sip', json={'name': 'dry'}, query={**DRY, 'wait_applied': 'true'})

    assert response.status_code == 200
    assert 'Wazo-Apply-Status' not in response.headers
    assert snapshot(core) == before


def test_template_delete_is_refused_like_the_real_one_or_previewed(api, core):
    used = api.post('/endpoints/sip/templates', json={'label': 'used'}).json
    api.post('/endpoints/sip', json={'name': 'child', 'templates': [{'uuid': used['uuid']}]})
    unused = api.post('/endpoints/sip/templates', json={'label': 'unused'}).json
    before = snapshot(core)

    refused = api.delete(f'/endpoints/sip/templates/{used["uuid"]}', query=DRY)
    previewed = api.delete(f'/endpoints/sip/templates/{unused["uuid"]}', query=DRY)

    assert (refused.status_code, refused.json) == (400, api.delete(f'/endpoints/sip/templates/{used["uuid"]}').json)
    assert (previewed.status_code, previewed.json['endpoints']) == (200, {'total': 0, 'items': []})
    assert snapshot(core) == before


def test_transport_update_previews_its_users_and_delete_a_reload(api, core):
    transport = api.post('/sip/transports', json={'name': 'udp', 'options': [['protocol', 'udp']]}).json
    user = api.post('/endpoints/sip', json={'name': 'user', 'transport': {'uuid': transport['uuid']}}).json
    unused = api.post('/sip/transports', json={'name': 'tcp', 'options': [['protocol', 'tcp']]}).json
    before = snapshot(core)

    updated = api.put(
        f'/sip/transports/{transport["uuid"]}', json={**transport, 'options': [['protocol', 'tcp']]}, query=DRY
    )
    deleted = api.delete(f'/sip/transports/{unused["uuid"]}', query=DRY)

    assert updated.status_code == 200, updated.json
    assert updated.json == {
        'endpoints': {'total': 1, 'items': [{'uuid': user['uuid'], 'name': 'user'}]},
        'reload_required': True,
    }
    assert deleted.status_code == 200, deleted.json
    assert deleted.json['reload_required'] is True
    assert snapshot(core) == before


def test_engine_settings_update_requires_a_reload(api, core):
    before = snapshot(core)

    for section in ('global', 'system'):
        response = api.put(f'/asterisk/pjsip/{section}', json={'options': {}}, query=DRY)

        assert response.status_code == 200, response.json
        assert response.json == {'endpoints': {'total': 0, 'items': []}, 'reload_required': True}
    assert snapshot(core) == before
