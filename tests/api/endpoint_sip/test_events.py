# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every change is recorded for the notifiers, and handed to them only once committed."""
import pytest

from ..conftest import MAIN, MASTER_TOKEN, SUB
from .helpers import ENDPOINTS, TEMPLATES, create_endpoint, create_template, item_path, parents, stored_row


@pytest.fixture
def seen(api, delivered):
    """MAIN already recorded (its defaults made), and nothing delivered yet."""
    api.announce_tenant()
    delivered.clear()


def only_change(delivered):
    assert len(delivered.batches) == 1, delivered.batches
    (change,) = delivered.batches[0]
    return change


def endpoint_summary(body, username=None, client_uri=None):
    return {
        'uuid': body['uuid'],
        'tenant_uuid': body['tenant_uuid'],
        'name': body['name'],
        'label': body['label'],
        'auth_section_options': [['username', username]] if username else [],
        'registration_section_options': [['client_uri', client_uri]] if client_uri else [],
        'trunk': None,
        'line': None,
    }


def test_creating_an_endpoint_delivers_its_summary(api, seen, delivered):
    body = create_endpoint(
        api,
        name='trunk',
        label='Trunk',
        auth_section_options=[['password', 'secret'], ['username', 'u1'], ['username', 'u2']],
        registration_section_options=[['client_uri', 'sip:me@proxy'], ['server_uri', 'sip:proxy']],
    )

    change = only_change(delivered)
    assert (change.resource, change.action, change.uuid, change.tenant_uuid) == (
        'sip_endpoint',
        'created',
        body['uuid'],
        MAIN,
    )
    assert change.data == endpoint_summary(body, username='u1', client_uri='sip:me@proxy')
    assert list(change.data) == list(endpoint_summary(body))
    assert 'secret' not in repr(change.data)


def test_an_endpoint_without_username_nor_client_uri_has_empty_lists(api, seen, delivered):
    body = create_endpoint(api)
    assert only_change(delivered).data == endpoint_summary(body)


def test_editing_and_deleting_an_endpoint(api, seen, delivered):
    body = create_endpoint(api, name='before', auth_section_options=[['username', 'u']])
    delivered.clear()

    api.put(item_path(ENDPOINTS, body), json={'name': 'after', 'auth_section_options': []})
    change = only_change(delivered)
    assert (change.resource, change.action, change.uuid) == ('sip_endpoint', 'edited', body['uuid'])
    assert change.data == endpoint_summary({**body, 'name': 'after'})

    delivered.clear()
    api.delete(item_path(ENDPOINTS, body))
    change = only_change(delivered)
    assert (change.resource, change.action, change.uuid, change.tenant_uuid) == (
        'sip_endpoint',
        'deleted',
        body['uuid'],
        MAIN,
    )
    assert change.data == endpoint_summary({**body, 'name': 'after'})


def test_template_changes_deliver_the_template_summary(api, seen, delivered):
    body = create_template(api, name='tpl', label='T', auth_section_options=[['username', 'u']])
    api.put(item_path(TEMPLATES, body), json={'label': 'T2'})
    api.delete(item_path(TEMPLATES, body))

    changes = delivered.changes
    assert [(c.resource, c.action, c.uuid, c.tenant_uuid) for c in changes] == [
        ('sip_endpoint_template', action, body['uuid'], MAIN) for action in ('created', 'edited', 'deleted')
    ]
    summary = {'uuid': body['uuid'], 'tenant_uuid': MAIN, 'name': 'tpl'}
    assert [c.data for c in changes] == [
        {**summary, 'label': 'T'},
        {**summary, 'label': 'T2'},
        {**summary, 'label': 'T2'},
    ]


def test_a_change_of_an_item_of_a_sub_tenant_carries_that_tenant(api, delivered):
    body = create_endpoint(api.as_(MASTER_TOKEN, tenant=SUB))
    delivered.clear()
    api.put(item_path(ENDPOINTS, body), json={'label': 'x'})
    assert only_change(delivered).tenant_uuid == SUB


def test_an_announced_tenant_delivers_its_default_templates(api, delivered):
    api.as_(MASTER_TOKEN, tenant=SUB).announce_tenant()

    (changes,) = delivered.batches
    assert [(c.resource, c.action, c.tenant_uuid) for c in changes] == [('sip_endpoint_template', 'created', SUB)] * 4
    assert sorted(c.data['label'] for c in changes) == ['global', 'meeting_guest', 'registration_trunk', 'webrtc']
    delivered.clear()
    api.as_(MASTER_TOKEN, tenant=SUB).announce_tenant()
    assert delivered.batches == []


def test_reads_of_a_new_tenant_deliver_nothing(api, delivered):
    for path in (ENDPOINTS, TEMPLATES):
        assert api.as_(MASTER_TOKEN, tenant=SUB).get(path).json == {'total': 0, 'items': []}
    assert delivered.batches == []


def test_the_first_create_in_a_tenant_delivers_defaults_and_item_together(api, delivered):
    body = create_endpoint(api.as_(MASTER_TOKEN, tenant=SUB))
    (batch,) = delivered.batches
    assert [(c.resource, c.action) for c in batch] == [('sip_endpoint_template', 'created')] * 4 + [
        ('sip_endpoint', 'created')
    ]
    assert batch[-1].uuid == body['uuid']


def test_changes_are_delivered_after_the_commit(api, seen, commit_probes, database):
    visible = []
    commit_probes.after.append(
        lambda changes: visible.extend(stored_row(database, change.uuid) is not None for change in changes)
    )
    create_endpoint(api)
    create_template(api)
    assert visible == [True, True]


def test_reads_deliver_nothing(api, seen, delivered):
    body = create_endpoint(api)
    delivered.clear()
    api.get(ENDPOINTS)
    api.get(item_path(ENDPOINTS, body))
    api.get(item_path(ENDPOINTS, body), query={'view': 'merged'})
    assert delivered.batches == []


def test_failed_requests_deliver_nothing(api, seen, delivered):
    base = create_template(api, name='base')
    child = create_template(api, templates=parents(base))
    endpoint = create_endpoint(api, name='taken', templates=parents(base))
    delivered.clear()

    failures = [
        api.post(ENDPOINTS, json={'name': 'taken'}),  # refused once its transaction had begun
        api.post(ENDPOINTS, json={'endpoint_section_options': [['nope', 'x']]}),
        api.put(item_path(ENDPOINTS, endpoint), json={'name': 'base'}),
        api.put(item_path(TEMPLATES, base), json={'templates': parents(child)}),  # a loop
        api.delete(item_path(TEMPLATES, base)),  # still inherited
        api.delete(item_path(ENDPOINTS, base)),  # a template on the endpoint route
    ]

    assert [response.status_code for response in failures] == [400, 400, 400, 400, 400, 404]
    assert delivered.batches == []


def test_a_failed_first_create_in_a_tenant_leaves_no_trace(api, delivered):
    create_template(api, name='taken')
    delivered.clear()

    response = api.as_(MASTER_TOKEN, tenant=SUB).post(ENDPOINTS, json={'name': 'taken'})

    assert response.status_code == 400
    assert delivered.batches == []
    listed = api.get(TEMPLATES, query={'recurse': 'true', 'limit': 100}).json['items']
    assert [item for item in listed if item['tenant_uuid'] == SUB] == []
    # and the tenant is still not recorded: its next write makes its defaults
    create_endpoint(api.as_(MASTER_TOKEN, tenant=SUB))
    assert len(delivered.changes) == 5
