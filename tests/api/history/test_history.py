# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The change history of every resource kind: who, when, before and after; its tenant scope and masking."""
import datetime

import sqlalchemy as sa

from ..conftest import HISTORY_READER_TOKEN, MAIN, MASTER_TOKEN, OTHER_TOKEN, SUB, SUB_TOKEN
from ..endpoint_sip.helpers import ENDPOINTS, TEMPLATES, create_endpoint, create_template, item_path, parents

MASK = '********'


def history(api, path, **query):
    response = api.get(f'{path}/history', query=query or None)
    assert response.status_code == 200, response.json
    return response.json['items']


def record_count(database):
    with database.engine.connect() as connection:
        return connection.execute(sa.text('SELECT count(*) FROM change_history')).scalar()


def test_an_endpoint_history_is_newest_first_with_its_bodies_and_author(api, fake_auth):
    template = create_template(api, label='base')
    endpoint = create_endpoint(api, label='Alice', templates=parents(template))
    path = item_path(ENDPOINTS, endpoint)
    assert api.put(path, json={'label': 'Alice B'}, headers={'X-Request-ID': 'req-42'}).status_code == 204
    assert api.delete(path).status_code == 204

    deleted, edited, created = history(api, path)

    assert [deleted['action'], edited['action'], created['action']] == ['deleted', 'edited', 'created']
    assert created['before'] is None and deleted['after'] is None
    assert created['after']['label'] == 'Alice' and created['after']['templates'] == [
        {'uuid': template['uuid'], 'label': 'base'}
    ]
    assert edited['before'] == created['after']
    assert edited['after'] == {**created['after'], 'label': 'Alice B'}
    assert deleted['before'] == edited['after']
    assert 'links' not in created['after']
    assert edited['request_id'] == 'req-42'
    assert edited['actor'] == {
        'via': 'api',
        'user_uuid': fake_auth.tokens[MASTER_TOKEN].user_uuid,
        'tenant_uuid': MAIN,
        'auth_id': fake_auth.tokens[MASTER_TOKEN].user_uuid,  # the fake wazo-auth's auth_id
    }
    assert {record['resource'] for record in (deleted, edited, created)} == {'sip_endpoint'}
    assert len({record['change_set_uuid'] for record in (deleted, edited, created)}) == 3
    recorded = [datetime.datetime.fromisoformat(record['recorded_at']) for record in (created, edited, deleted)]
    assert recorded == sorted(recorded)


def test_every_answer_names_its_request(api):
    given = api.get(ENDPOINTS, headers={'X-Request-ID': 'abc-1'})
    made = api.get(ENDPOINTS)
    assert given.headers['X-Request-ID'] == 'abc-1'
    assert len(made.headers['X-Request-ID']) == 36


def test_template_transport_and_engine_sections_have_their_history(api):
    template = create_template(api, label='t1')
    api.put(item_path(TEMPLATES, template), json={'endpoint_section_options': [['language', 'fr_FR']]})
    transport = api.post('/sip/transports', json={'name': 'tr-h', 'options': [['protocol', 'udp']]}).json
    api.put(f"/sip/transports/{transport['uuid']}", json={'options': [['protocol', 'tcp']]})
    assert api.put('/asterisk/pjsip/global', json={'options': {'max_forwards': '5'}}).status_code == 204
    assert api.put('/asterisk/pjsip/system', json={'options': {'timer_t1': '600'}}).status_code == 204

    edited, created = history(api, item_path(TEMPLATES, template))
    assert edited['after']['endpoint_section_options'] == [['language', 'fr_FR']]
    assert edited['resource'] == 'sip_endpoint_template'
    transport_edited, _ = history(api, f"/sip/transports/{transport['uuid']}")
    assert transport_edited['before']['options'] == [['protocol', 'udp']]
    assert transport_edited['after'] == {'uuid': transport['uuid'], 'name': 'tr-h', 'options': [['protocol', 'tcp']]}
    [global_updated] = history(api, '/asterisk/pjsip/global')
    assert global_updated['after'] == {'options': [['max_forwards', '5']]}
    assert global_updated['before']['options'] == [
        ['user_agent', 'Wazo PBX'],
        ['endpoint_identifier_order', 'auth_username,username,ip'],
    ]
    [system_updated] = history(api, '/asterisk/pjsip/system')
    assert (system_updated['before'], system_updated['after']) == ({'options': []}, {'options': [['timer_t1', '600']]})


def test_a_refused_write_records_nothing(api, database):
    endpoint = create_endpoint(api)
    before = record_count(database)
    bad = api.put(item_path(ENDPOINTS, endpoint), json={'endpoint_section_options': [['no_such_option', 'x']]})
    assert bad.status_code == 400
    assert record_count(database) == before


def test_histories_are_scoped_like_their_resources(api):
    main_endpoint = create_endpoint(api)
    sub_endpoint = create_endpoint(api.as_(SUB_TOKEN))
    api.post('/sip/transports', json={'name': 'tr-scope', 'options': [['protocol', 'udp']]})
    sub = api.as_(SUB_TOKEN)

    assert sub.get(f'{item_path(ENDPOINTS, main_endpoint)}/history').status_code == 404
    assert api.as_(OTHER_TOKEN).get(f'{item_path(ENDPOINTS, sub_endpoint)}/history').status_code == 404
    assert len(history(api, item_path(ENDPOINTS, sub_endpoint))) == 1  # the master tenant sees its sub-tenants'
    assert sub.get('/asterisk/pjsip/global/history').status_code == 401

    sub_list = sub.get('/history', query={'resource': 'sip_endpoint'}).json
    assert [item['resource_uuid'] for item in sub_list['items']] == [sub_endpoint['uuid']]
    assert {item['tenant_uuid'] for item in sub.get('/history').json['items']} == {SUB}
    main_only = api.get('/history', query={'resource': 'sip_endpoint'}).json['items']
    assert [item['resource_uuid'] for item in main_only] == [main_endpoint['uuid']]
    recursive = api.get('/history', query={'resource': 'sip_endpoint', 'recurse': 'true'}).json['items']
    assert {item['resource_uuid'] for item in recursive} == {main_endpoint['uuid'], sub_endpoint['uuid']}
    # engine-wide records: for the master tenant's tokens only
    assert 'sip_transport' in {item['resource'] for item in api.get('/history').json['items']}
    assert 'sip_transport' not in {
        item['resource'] for item in sub.get('/history', query={'recurse': 'true'}).json['items']
    }


def test_secrets_are_masked_for_who_may_not_read_the_resource(api):
    secrets = [['username', 'alice'], ['password', 'very-secret'], ['md5_cred', '0123456789abcdef0123456789abcdef']]
    endpoint = create_endpoint(api, auth_section_options=secrets, outbound_auth_section_options=secrets)
    transport = api.post(
        '/sip/transports', json={'name': 'tls-h', 'options': [['protocol', 'tls'], ['password', 'key-secret']]}
    ).json
    reader = api.as_(HISTORY_READER_TOKEN)

    [shown] = history(api, item_path(ENDPOINTS, endpoint))
    [masked] = history(reader, item_path(ENDPOINTS, endpoint))
    assert shown['after']['auth_section_options'] == secrets
    masked_lines = [['username', 'alice'], ['password', MASK], ['md5_cred', MASK]]
    assert masked['after']['auth_section_options'] == masked_lines
    assert masked['after']['outbound_auth_section_options'] == masked_lines
    [masked_diff] = history(reader, item_path(ENDPOINTS, endpoint), view='diff')
    assert {'field': 'auth_section_options', 'key': 'password', 'before': None, 'after': MASK} in masked_diff['changes']
    new_secrets = [['username', 'alice'], ['password', 'other-secret']]
    api.put(item_path(ENDPOINTS, endpoint), json={**endpoint, 'auth_section_options': new_secrets})
    changed = history(reader, item_path(ENDPOINTS, endpoint), view='diff')[0]['changes']
    assert {'field': 'auth_section_options', 'key': 'password', 'before': MASK, 'after': MASK} in changed
    assert 'other-secret' not in str(changed)
    [transport_masked] = history(reader, f"/sip/transports/{transport['uuid']}")
    assert transport_masked['after']['options'] == [['protocol', 'tls'], ['password', MASK]]
    listed = reader.get('/history').json['items']
    assert 'very-secret' not in str(listed) and 'key-secret' not in str(listed)
    assert 'very-secret' in str(api.get('/history').json['items'])


def test_the_diff_view_lists_option_level_changes(api):
    endpoint = create_endpoint(api, endpoint_section_options=[['allow', 'ulaw'], ['allow', 'alaw'], ['language', 'en']])
    path = item_path(ENDPOINTS, endpoint)
    api.put(path, json={'label': 'new', 'endpoint_section_options': [['allow', 'g722'], ['dtmf_mode', 'rfc4733']]})

    edited, _ = history(api, path, view='diff')

    assert 'before' not in edited
    assert edited['changes'] == [
        {'field': 'endpoint_section_options', 'key': 'allow', 'before': ['ulaw', 'alaw'], 'after': 'g722'},
        {'field': 'endpoint_section_options', 'key': 'language', 'before': 'en', 'after': None},
        {'field': 'endpoint_section_options', 'key': 'dtmf_mode', 'before': None, 'after': 'rfc4733'},
        {'field': 'label', 'key': None, 'before': None, 'after': 'new'},
    ]
    assert api.get(f'{path}/history', query={'view': 'full'}).status_code == 400


def test_the_list_filters_by_resource_user_time_and_change_set(api, fake_auth):
    first = create_endpoint(api)
    template = create_template(api.as_(SUB_TOKEN, tenant=SUB))
    all_items = api.get('/history', query={'recurse': 'true'}).json['items']
    newest = all_items[0]
    assert newest['resource_uuid'] == template['uuid']

    by_user = api.get('/history', query={'recurse': 'true', 'user_uuid': fake_auth.tokens[SUB_TOKEN].user_uuid})
    assert {item['tenant_uuid'] for item in by_user.json['items']} == {SUB}
    by_set = api.get('/history', query={'change_set_uuid': newest['change_set_uuid'], 'recurse': 'true'}).json
    # the tenant's first write: its default templates, then the template, in one transaction
    assert by_set['items'] == all_items[:5]
    assert [item['after']['label'] for item in by_set['items'][1:]] == [
        'registration_trunk',
        'meeting_guest',
        'webrtc',
        'global',
    ]
    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).isoformat()
    assert api.get('/history', query={'from': future}).json == {'total': 0, 'items': []}
    until = api.get('/history', query={'until': future, 'resource': 'sip_endpoint'}).json['items']
    assert [item['resource_uuid'] for item in until] == [first['uuid']]
    page = api.get('/history', query={'recurse': 'true', 'limit': 1, 'offset': 1}).json
    assert page['total'] == len(all_items) and page['items'] == [all_items[1]]

    assert api.get('/history', query={'from': 'yesterday'}).json == [
        "Input Error - from: Not a valid ISO 8601 date and time."
    ]
    assert api.get('/history', query={'resource': 'sip_line'}).status_code == 400
    far_offset = api.get('/history', query={'from': '0329-06-08T12:26:55+16:14'})  # PostgreSQL: at most 15:59
    assert far_offset.status_code == 200, far_offset.json
    assert api.get('/history', query={'from': '0001-01-01T00:00:00+01:00'}).status_code == 400
    assert api.get('/history', query={'change_set_uuid': 'x'}).status_code == 400


def test_a_tenant_removal_is_one_change_set(api, core):
    endpoint = create_endpoint(api.as_(SUB_TOKEN, tenant=SUB))
    core.services.tenants.remove(SUB)

    deleted = api.get('/history', query={'recurse': 'true', 'resource': 'sip_endpoint,sip_endpoint_template'}).json
    removal = [item for item in deleted['items'] if item['action'] == 'deleted']
    assert {item['resource_uuid'] for item in removal} >= {endpoint['uuid']}
    assert len(removal) == 5  # the endpoint and the tenant's 4 default templates
    assert len({item['change_set_uuid'] for item in removal}) == 1
    assert removal[0]['actor']['via'] == 'service'


def test_saying_who_writes_asks_wazo_auth_about_a_token_once(api, fake_auth):
    as_sub = api.as_(SUB_TOKEN, tenant=SUB)  # with Wazo-Tenant: the writes themselves need no token details
    asked = len(fake_auth.requests_of('GET', f'/0.1/token/{SUB_TOKEN}'))

    for n in range(3):
        create_endpoint(as_sub, name=f'written-{n}')

    assert len(fake_auth.requests_of('GET', f'/0.1/token/{SUB_TOKEN}')) - asked == 1
    items = api.get('/history', query={'recurse': 'true'}).json['items']
    assert {item['actor']['tenant_uuid'] for item in items} == {SUB}
