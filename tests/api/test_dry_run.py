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
    assert (response.json['reload_required'], response.json['restart_required']) == (False, False)
    [engine] = response.json['engines']
    assert [(op['action'], op['type'], op['id']) for op in engine['operations']['items']] == [
        ('delete', 'endpoint', 'dry'),
        ('put', 'endpoint', 'dry'),
    ]
    assert engine['operations']['counts'] == {'delete': 1, 'put': 1}
    example = response.json['example']
    assert example['name'] == 'dry'
    assert {'field': 'engine', 'key': None, 'before': None, 'after': 'default'} in example['changes']
    assert snapshot(core) == before
    assert change_recorder.changes == []


def test_endpoint_update_and_delete_preview_the_endpoint(api, core):
    endpoint = api.post('/endpoints/sip', json={'name': 'kept', 'endpoint_section_options': [['context', 'a']]}).json
    before = snapshot(core)
    path = f'/endpoints/sip/{endpoint["uuid"]}'

    updated = api.put(path, json={**endpoint, 'endpoint_section_options': [['context', 'b']]}, query=DRY)
    deleted = api.delete(path, query=DRY)

    expected = {'total': 1, 'items': [{'uuid': endpoint['uuid'], 'name': 'kept'}]}
    assert (updated.status_code, updated.json['endpoints']) == (200, expected)
    assert updated.json['example']['changes'] == [
        {'field': 'endpoint_section_options', 'key': 'context', 'before': 'a', 'after': 'b'}
    ]
    assert (deleted.status_code, deleted.json['endpoints']) == (200, expected)
    assert {'field': 'engine', 'key': None, 'before': 'default', 'after': None} in deleted.json['example']['changes']
    assert snapshot(core) == before
    assert api.get(path).json['endpoint_section_options'] == [['context', 'a']]


def test_a_change_that_leaves_the_effective_configuration_as_it_is_lists_no_endpoint(api, core):
    endpoint = api.post('/endpoints/sip', json={'name': 'same', 'endpoint_section_options': [['context', 'a']]}).json
    template = api.post('/endpoints/sip/templates', json={'label': 'tpl'}).json
    api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={**endpoint, 'templates': [{'uuid': template['uuid']}]})

    relabelled = api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={**endpoint, 'label': 'new'}, query=DRY)
    template_relabelled = api.put(
        f'/endpoints/sip/templates/{template["uuid"]}', json={**template, 'label': 'x'}, query=DRY
    )

    for response in (relabelled, template_relabelled):
        assert response.status_code == 200, response.json
        assert (response.json['endpoints'], response.json['example']) == ({'total': 0, 'items': []}, None)


def test_a_new_parent_template_is_resolved_in_the_preview(api, core):
    template = api.post(
        '/endpoints/sip/templates', json={'label': 'tpl', 'endpoint_section_options': [['language', 'fr_FR']]}
    ).json
    endpoint = api.post('/endpoints/sip', json={'name': 'child'}).json

    response = api.put(
        f'/endpoints/sip/{endpoint["uuid"]}', json={**endpoint, 'templates': [{'uuid': template['uuid']}]}, query=DRY
    )

    assert response.status_code == 200, response.json
    changes = response.json['example']['changes']
    assert {'field': 'endpoint_section_options', 'key': 'language', 'before': None, 'after': 'fr_FR'} in changes


def test_secrets_are_masked_in_the_example(api, core):
    endpoint = api.post(
        '/endpoints/sip', json={'name': 'secret', 'auth_section_options': [['username', 'u'], ['password', 'one']]}
    ).json

    response = api.put(
        f'/endpoints/sip/{endpoint["uuid"]}',
        json={**endpoint, 'auth_section_options': [['username', 'u'], ['password', 'two']]},
        query=DRY,
    )

    assert response.json['example']['changes'] == [
        {'field': 'auth_section_options', 'key': 'password', 'before': '********', 'after': '********'}
    ]
    [engine] = response.json['engines']
    assert 'two' not in str(engine)


def test_template_update_previews_its_descendants(api, core):
    template = api.post('/endpoints/sip/templates', json={'label': 'tpl'}).json
    names = [f'child-{n:03}' for n in range(102)]
    for name in names:
        api.post('/endpoints/sip', json={'name': name, 'templates': [{'uuid': template['uuid']}]})

    response = api.put(
        f'/endpoints/sip/templates/{template["uuid"]}',
        json={**template, 'endpoint_section_options': [['context', 'x']]},
        query=DRY,
    )

    assert response.status_code == 200, response.json
    assert response.json['endpoints']['total'] == 102
    assert [item['name'] for item in response.json['endpoints']['items']] == names[:100]
    assert response.json['example']['name'] == 'child-000'
    [engine] = response.json['engines']
    assert engine['operations']['total'] == 2 * 102  # never pushed: a DELETE then a PUT of each endpoint
    assert len(engine['operations']['items']) == 100
    assert api.get(f'/endpoints/sip/templates/{template["uuid"]}').json['endpoint_section_options'] == []


def test_transport_create_requires_a_reload(api, core):
    before = snapshot(core)

    response = api.post('/sip/transports', json={'name': 'dry-udp', 'options': [['protocol', 'udp']]}, query=DRY)

    assert (response.status_code, response.json['reload_required']) == (200, True)
    assert response.json['engines'][0]['reload_required'] is True
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

    renamed = api.put(f'/sip/transports/{transport["uuid"]}', json={**transport, 'name': 'udp2'}, query=DRY)

    assert updated.status_code == 200, updated.json
    # Its user's objects name the transport, not its options: only a rename changes them.
    assert (updated.json['endpoints']['total'], updated.json['reload_required']) == (0, True)
    assert renamed.json['endpoints'] == {'total': 1, 'items': [{'uuid': user['uuid'], 'name': 'user'}]}
    assert {'field': 'transport', 'key': None, 'before': 'udp', 'after': 'udp2'} in renamed.json['example']['changes']
    assert deleted.status_code == 200, deleted.json
    assert deleted.json['reload_required'] is True
    assert snapshot(core) == before


def test_engine_settings_update_requires_a_reload(api, core):
    before = snapshot(core)

    for section in ('global', 'system'):
        response = api.put(f'/asterisk/pjsip/{section}', json={'options': {}}, query=DRY)

        assert response.status_code == 200, response.json
        assert response.json['endpoints'] == {'total': 0, 'items': []}
        # This engine never got its sections: any change reloads it. A restart is only needed
        # compared with sections it has.
        assert (response.json['reload_required'], response.json['restart_required']) == (True, False)
    assert snapshot(core) == before


def test_template_create_previews_no_endpoint(api, core, change_recorder):
    before = snapshot(core)

    response = api.post('/endpoints/sip/templates', json={'label': 'new'}, query=DRY)

    assert response.status_code == 200, response.json
    assert (response.json['endpoints'], response.json['example']) == ({'total': 0, 'items': []}, None)
    assert response.json['engines'][0]['operations']['total'] == 0
    assert snapshot(core) == before
    assert change_recorder.changes == []


def test_a_revert_and_a_change_set_revert_can_be_previewed(api, core, change_recorder):
    endpoint = api.post('/endpoints/sip', json={'name': 'back', 'endpoint_section_options': [['context', 'a']]}).json
    path = f'/endpoints/sip/{endpoint["uuid"]}'
    api.put(path, json={**endpoint, 'endpoint_section_options': [['context', 'b']]})
    edited = api.get(f'{path}/history').json['items'][0]
    before = snapshot(core)
    change_recorder.clear()

    reverted = api.post(f'{path}/history/{edited["change_uuid"]}/revert', query=DRY)
    set_reverted = api.post(f'/history/change_sets/{edited["change_set_uuid"]}/revert', query=DRY)

    for response in (reverted, set_reverted):
        assert response.status_code == 200, response.json
        assert response.json['example']['changes'] == [
            {'field': 'endpoint_section_options', 'key': 'context', 'before': 'b', 'after': 'a'}
        ]
    assert snapshot(core) == before
    assert change_recorder.changes == []
