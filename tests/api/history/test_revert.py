# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reverts: through the normal write path, recorded, pushed; refused with a 409 naming the conflict."""
import sqlalchemy as sa

from ..conftest import SUB, SUB_TOKEN
from ..endpoint_sip.helpers import ENDPOINTS, TEMPLATES, create_endpoint, create_template, item_path, parents
from ..sip_import.conftest import IMPORT, engine_section, rows_by_name


def changes_of(api, path):
    return api.get(f'{path}/history').json['items']


def revert(api, path, change, status=200):
    response = api.post(f"{path}/history/{change['change_uuid']}/revert")
    assert response.status_code == status, response.json
    return response.json


def outbox_owners(database):
    with database.engine.connect() as connection:
        return set(connection.execute(sa.text('SELECT CAST(owner_uuid AS text) FROM apply_outbox')).scalars())


def test_reverting_an_edit_restores_the_before_state_and_is_a_change_itself(api, database):
    endpoint = create_endpoint(api, label='Alice', endpoint_section_options=[['language', 'en']])
    path = item_path(ENDPOINTS, endpoint)
    api.put(path, json={'label': 'Bob', 'endpoint_section_options': [['language', 'fr']]})
    edited = changes_of(api, path)[0]
    with database.engine.begin() as connection:
        connection.execute(sa.text('DELETE FROM apply_outbox'))

    reverted = revert(api, path, edited)

    restored = api.get(path).json
    assert (restored['label'], restored['endpoint_section_options']) == ('Alice', [['language', 'en']])
    newest = changes_of(api, path)[0]
    assert reverted == {
        'change_set_uuid': newest['change_set_uuid'],
        'changes': [
            {
                'change_uuid': newest['change_uuid'],
                'resource': 'sip_endpoint',
                'resource_uuid': endpoint['uuid'],
                'action': 'edited',
            }
        ],
    }
    assert (newest['before'], newest['after']) == (edited['after'], edited['before'])
    assert outbox_owners(database) == {endpoint['uuid']}  # on its way to Asterisk


def test_reverting_a_creation_deletes_and_a_deletion_recreates_with_the_same_uuid(api):
    template = create_template(api, label='base')
    endpoint = create_endpoint(api, label='Alice', templates=parents(template))
    path = item_path(ENDPOINTS, endpoint)
    assert api.delete(path).status_code == 204

    revert(api, path, changes_of(api, path)[0])
    again = api.get(path)
    assert again.status_code == 200
    assert {key: again.json[key] for key in ('uuid', 'name', 'label', 'templates')} == {
        key: endpoint[key] for key in ('uuid', 'name', 'label', 'templates')
    }

    created = changes_of(api, path)[-1]
    assert created['action'] == 'created'
    assert changes_of(api, path)[0]['action'] == 'created'  # the revert of the deletion
    revert(api, path, changes_of(api, path)[0])
    assert api.get(path).status_code == 404


def test_a_revert_of_a_resource_changed_since_is_a_conflict(api):
    endpoint = create_endpoint(api, label='A')
    path = item_path(ENDPOINTS, endpoint)
    api.put(path, json={'label': 'B'})
    first_edit = changes_of(api, path)[0]
    api.put(path, json={'label': 'C'})

    answer = revert(api, path, first_edit, status=409)

    assert answer == [
        f"Conflict Error - SIPEndpoint {endpoint['uuid']} was changed after change {first_edit['change_uuid']}"
    ]
    assert api.get(path).json['label'] == 'C'
    created = changes_of(api, path)[-1]
    assert revert(api, path, created, status=409)[0].endswith(f"was changed after change {created['change_uuid']}")


def test_conflicts_name_the_missing_parent_the_taken_name_and_the_inheriting_children(api):
    parent = create_template(api, label='parent')
    endpoint = create_endpoint(api, name='line-1', templates=parents(parent))
    path = item_path(ENDPOINTS, endpoint)
    api.put(path, json={'templates': []})
    assert api.delete(item_path(TEMPLATES, parent)).status_code == 204
    unparented = changes_of(api, path)[0]
    answer = revert(api, path, unparented, status=409)
    assert answer[0].startswith(f"Conflict Error - SIPEndpoint {endpoint['uuid']} cannot be restored as it was before")
    assert parent['uuid'] in answer[0] and 'templates' in answer[0]

    api.delete(path)
    create_endpoint(api, name='line-1')
    answer = revert(api, path, changes_of(api, path)[0], status=409)
    assert answer[0].endswith("Resource Error - SIPEndpoint already exists ('name': 'line-1')")

    base = create_template(api, label='base')
    create_endpoint(api, templates=parents(base))
    base_path = item_path(TEMPLATES, base)
    answer = revert(api, base_path, changes_of(api, base_path)[0], status=409)
    assert 'is inherited by' in answer[0]


def test_unknown_or_foreign_changes_are_not_found(api):
    one, other = create_endpoint(api), create_endpoint(api)
    change = changes_of(api, item_path(ENDPOINTS, one))[0]
    assert api.post(f"{item_path(ENDPOINTS, other)}/history/{change['change_uuid']}/revert").status_code == 404
    unknown = '00000000-0000-4000-8000-000000000000'
    assert api.post(f"{item_path(ENDPOINTS, one)}/history/{unknown}/revert").status_code == 404
    sub_change = changes_of(api, item_path(ENDPOINTS, create_endpoint(api.as_(SUB_TOKEN))))[0]
    main_change_path = f"{item_path(ENDPOINTS, one)}/history/{change['change_uuid']}/revert"
    assert api.as_(SUB_TOKEN).post(main_change_path).status_code == 404
    assert sub_change['tenant_uuid'] == SUB


SIP_CONF = '''\
[general]
useragent=Imported PBX

[office](!)
type=friend
host=dynamic
context=office
disallow=all
allow=ulaw

[1001](office)
secret=s1001

[1002](office)
secret=s1002
'''


def test_a_whole_import_is_reverted_in_one_call(api, database):
    user_agent_before = dict(engine_section(database, 'global'))['user_agent']
    response = api.post(IMPORT, data=SIP_CONF.encode(), headers={'Content-Type': 'text/plain'})
    assert response.status_code == 201, response.json
    assert {'1001', '1002'} <= set(rows_by_name(database))
    change_set = response.json['change_set_uuid']
    assert api.get('/history', query={'resource': 'sip_endpoint'}).json['items'][0]['change_set_uuid'] == change_set
    members = api.get('/history', query={'change_set_uuid': change_set}).json
    assert {item['resource'] for item in members['items']} >= {'sip_endpoint', 'sip_endpoint_template', 'pjsip_global'}

    reverted = api.post(f'/history/change_sets/{change_set}/revert')
    assert reverted.status_code == 200, reverted.json

    assert not {'1001', '1002'} & set(rows_by_name(database))
    assert dict(engine_section(database, 'global'))['user_agent'] == user_agent_before
    assert len(reverted.json['changes']) == members['total']
    again = api.post(f'/history/change_sets/{change_set}/revert')
    assert again.status_code == 409  # what it made is gone: nothing is as the import left it
    assert api.as_(SUB_TOKEN).post(f'/history/change_sets/{change_set}/revert').status_code == 404
