# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a wazo-confd line (its users, voicemails, extensions) or trunk adds to its endpoint, read from a
fake wazo-confd with the service's own token, and kept current from wazo-confd's events."""
import pytest

from wazo_confd_pjsip.bus.consumer import UnusableEvent
from wazo_confd_pjsip.bus.events import events_for_changes
from wazo_confd_pjsip.database.session import Resource
from wazo_confd_pjsip.line_additions.confd_client import ConfdClient
from wazo_confd_pjsip.line_additions.source import ConfdSource
from wazo_confd_pjsip.plugins.line_endpoint.events import wazo_confd_event_handlers
from wazo_confd_pjsip.plugins.line_endpoint.refresher import WazoOptionsRefresher

from .conftest import MAIN, NO_ACL_TOKEN, OTHER, OTHER_TOKEN, SUB, SUB_TOKEN, confd_config

ENDPOINTS = '/endpoints/sip'


@pytest.fixture
def config_overrides(fake_confd):
    return confd_config(fake_confd)


@pytest.fixture
def handlers(core, fake_confd):
    source = ConfdSource(ConfdClient(core.config['confd'], core.auth_backend.service_token), core.catalogue)
    return wazo_confd_event_handlers(WazoOptionsRefresher(core.db, source))


def endpoint(api, name, **body):
    body = {'name': name, 'aor_section_options': [['max_contacts', '1']], **body}
    response = api.post(ENDPOINTS, json=body)
    assert response.status_code == 201, response.json
    return response.json


def merged(api, uuid):
    response = api.get(f'{ENDPOINTS}/{uuid}', query={'view': 'merged'})
    assert response.status_code == 200, response.json
    return response.json


def alice_line(fake_confd, tenant_uuid, **line):
    line = fake_confd.add_line(tenant_uuid, extensions=[('1001', 'default'), ('1999', 'other')], **line)
    user = fake_confd.add_user(tenant_uuid, simultaneous_calls=3, voicemail=('1001', 'default'))
    fake_confd.add_user_to_line(user, line)
    return line, user


def test_a_line_made_the_wazo_ui_way_adds_its_context_and_wazo_variables(api, fake_confd, wait_for_service_token):
    line, user = alice_line(fake_confd, MAIN, context='ctx-alice')
    alice = endpoint(api, 'alice', endpoint_section_options=[['set_var', 'MINE=1']])

    response = api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')

    assert response.status_code == 204, response.json
    body = merged(api, alice['uuid'])
    assert body['line']['id'] == line['id']
    assert body['endpoint_section_options'] == [
        ['set_var', 'WAZO_CHANNEL_DIRECTION=from-wazo'],
        ['set_var', f'WAZO_LINE_ID={line["id"]}'],
        ['context', 'ctx-alice'],
        ['set_var', 'TRANSFER_CONTEXT=ctx-alice'],
        ['set_var', f'XIVO_USERID={user["id"]}'],
        ['set_var', f'WAZO_USERID={user["id"]}'],
        ['set_var', f'XIVO_USERUUID={user["uuid"]}'],
        ['set_var', f'WAZO_USERUUID={user["uuid"]}'],
        ['set_var', 'WAZO_CALLER_SIMULTCALLS=3'],
        ['set_var', 'PICKUPMARK=1001%default'],
        ['mailboxes', '1001@default'],
        ['set_var', 'MINE=1'],
    ]
    assert body['aor_section_options'] == [['mailboxes', '1001@default'], ['max_contacts', '1']]
    # the endpoint's own body keeps what its users wrote
    own = api.get(f'{ENDPOINTS}/{alice["uuid"]}').json
    assert own['endpoint_section_options'] == [['set_var', 'MINE=1']]
    # read with the service's token, in the endpoint's tenant
    [line_read] = fake_confd.requests_of(f'/lines/{line["id"]}')
    assert line_read.header('Wazo-Tenant') == MAIN


def test_what_the_endpoint_or_its_templates_set_wins_over_the_line(api, fake_confd, wait_for_service_token):
    line, _ = alice_line(fake_confd, MAIN, context='ctx-line')
    template = api.post(
        f'{ENDPOINTS}/templates', json={'name': 'ctx', 'endpoint_section_options': [['context', 'own']]}
    )
    alice = endpoint(api, 'alice', templates=[{'uuid': template.json['uuid']}])

    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')

    options = merged(api, alice['uuid'])['endpoint_section_options']
    assert ['context', 'own'] in options and ['context', 'ctx-line'] not in options
    assert ['set_var', 'TRANSFER_CONTEXT=ctx-line'] in options


def test_a_line_with_an_application_goes_to_its_stasis_context(api, fake_confd, wait_for_service_token):
    line = fake_confd.add_line(MAIN, context='ctx', application_uuid='4e3f1c44-0000-4000-8000-000000000001')
    alice = endpoint(api, 'alice')

    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')

    options = merged(api, alice['uuid'])['endpoint_section_options']
    assert ['context', 'stasis-wazo-app-4e3f1c44-0000-4000-8000-000000000001'] in options


def test_a_trunk_adds_its_context_and_an_empty_pai_format(api, fake_confd, wait_for_service_token):
    trunk = fake_confd.add_trunk(MAIN, context='from-extern')
    provider = endpoint(api, 'provider')

    assert api.put(f'/trunks/{trunk["id"]}/endpoints/sip/{provider["uuid"]}').status_code == 204

    assert merged(api, provider['uuid'])['endpoint_section_options'] == [
        ['set_var', 'WAZO_PAI_FORMAT='],
        ['context', 'from-extern'],
    ]


@pytest.mark.parametrize('side', ['lines', 'trunks'])
def test_a_line_or_trunk_wazo_confd_does_not_have_in_the_endpoints_tenant_is_refused(
    api, fake_confd, wait_for_service_token, side
):
    foreign = fake_confd.add_line(OTHER) if side == 'lines' else fake_confd.add_trunk(OTHER)
    alice = endpoint(api.as_(SUB_TOKEN), 'alice')
    resource = {'lines': 'Line', 'trunks': 'Trunk'}[side]

    for owner_id in (foreign['id'], 999999):
        response = api.put(f'/{side}/{owner_id}/endpoints/sip/{alice["uuid"]}')
        assert response.status_code == 404, response.json
        assert response.json == [f"Resource Not Found - {resource} was not found ('id': {owner_id})"]

    body = api.get(f'{ENDPOINTS}/{alice["uuid"]}').json
    assert (body['line'], body['trunk']) == (None, None)
    assert fake_confd.requests_of(f'/{side}/{foreign["id"]}')[-1].header('Wazo-Tenant') == SUB


def test_wazo_confd_down_refuses_the_association_with_a_503_and_writes_nothing(api, fake_confd, wait_for_service_token):
    line, _ = alice_line(fake_confd, MAIN)
    alice = endpoint(api, 'alice')
    fake_confd.stop()
    try:
        response = api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')
    finally:
        fake_confd.start()

    assert response.status_code == 503
    assert response.json[0].startswith(f'cannot read line {line["id"]} from wazo-confd: wazo-confd unreachable')
    assert api.get(f'{ENDPOINTS}/{alice["uuid"]}').json['line'] is None


def test_a_value_asterisk_would_refuse_is_left_out(api, fake_confd, wait_for_service_token, caplog):
    line, _ = alice_line(fake_confd, MAIN, context='ctx\ninjected')
    alice = endpoint(api, 'alice')

    assert api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}').status_code == 204

    options = merged(api, alice['uuid'])['endpoint_section_options']
    assert not any(value.startswith('ctx') or 'TRANSFER_CONTEXT' in value for _, value in options)
    assert ['set_var', f'WAZO_LINE_ID={line["id"]}'] in options
    assert f'wazo-confd line {line["id"]}: context left out' in caplog.text


def test_dissociating_removes_what_the_line_added(api, fake_confd, wait_for_service_token):
    line = fake_confd.add_line(MAIN, context='ctx')
    alice = endpoint(api, 'alice')
    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')

    assert api.delete(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}').status_code == 204

    assert merged(api, alice['uuid'])['endpoint_section_options'] == []


def test_a_line_with_users_or_extensions_keeps_its_endpoint(api, fake_confd, wait_for_service_token):
    line, user = alice_line(fake_confd, MAIN)
    alice = endpoint(api, 'alice')
    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')
    dissociate = f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}'
    extension_ids = ','.join(str(extension['id']) for extension in line['extensions'])

    refusals = []
    for remove in (line['users'].clear, line['extensions'].clear, lambda: None):
        response = api.delete(dissociate)
        refusals.append((response.status_code, response.get_json(silent=True)))
        remove()

    words = "Resource Error - Line is associated with a {} ('line_id': {}, {})"
    assert refusals == [
        (400, [words.format('User', line['id'], f"'user_ids': '{user['id']}'")]),
        (400, [words.format('Extension', line['id'], f"'extension_ids': '{extension_ids}'")]),
        (204, None),  # the line has neither: dissociated
    ]
    assert api.get(f'{ENDPOINTS}/{alice["uuid"]}').json['line'] is None


def test_a_line_with_a_device_keeps_its_endpoint(api, fake_confd, wait_for_service_token):
    line = fake_confd.add_line(MAIN)
    line['device_id'] = 'a1b2c3'
    alice = endpoint(api, 'alice')
    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')

    response = api.delete(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')

    assert (response.status_code, response.json) == (
        400,
        [f"Resource Error - Line is associated with a Device ('line_id': {line['id']}, 'device_id': 'a1b2c3')"],
    )


def test_wazo_confd_events_refresh_only_the_changed_endpoints(
    api, fake_confd, wait_for_service_token, handlers, change_recorder
):
    line, user = alice_line(fake_confd, MAIN, context='before')
    other_line, _ = alice_line(fake_confd, MAIN, context='untouched')
    alice, bob = endpoint(api, 'alice'), endpoint(api, 'bob')
    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')
    api.put(f'/lines/{other_line["id"]}/endpoints/sip/{bob["uuid"]}')
    change_recorder.clear()

    handlers['line_edited']({'id': line['id'], 'name': line['name'], 'protocol': 'sip', 'tenant_uuid': MAIN}, MAIN)
    assert change_recorder.changes == []  # nothing changed in wazo-confd: nothing written

    line['context'] = 'after'
    handlers['line_edited']({'id': line['id'], 'name': line['name'], 'protocol': 'sip', 'tenant_uuid': MAIN}, MAIN)
    user['simultaneous_calls'] = 9
    handlers['user_edited']({'id': user['id'], 'uuid': user['uuid'], 'tenant_uuid': MAIN}, MAIN)

    assert [(change.resource, change.uuid) for change in change_recorder.changes] == [
        (Resource.SIP_ENDPOINT_WAZO_OPTIONS, alice['uuid']),
        (Resource.SIP_ENDPOINT_WAZO_OPTIONS, alice['uuid']),
    ]
    assert events_for_changes(change_recorder.changes, 'origin', 'now') == []  # not this service's event
    options = merged(api, alice['uuid'])['endpoint_section_options']
    assert ['context', 'after'] in options and ['set_var', 'WAZO_CALLER_SIMULTCALLS=9'] in options
    assert ['context', 'untouched'] in merged(api, bob['uuid'])['endpoint_section_options']


@pytest.mark.parametrize('side', ['line', 'trunk'])
def test_a_line_or_trunk_deleted_in_wazo_confd_takes_its_endpoint_with_it(
    api, fake_confd, wait_for_service_token, handlers, change_recorder, side
):
    owner = alice_line(fake_confd, MAIN)[0] if side == 'line' else fake_confd.add_trunk(MAIN)
    alice, bob = endpoint(api, 'alice'), endpoint(api, 'bob')
    api.put(f'/{side}s/{owner["id"]}/endpoints/sip/{alice["uuid"]}')
    change_recorder.clear()

    handlers[f'{side}_deleted']({'id': owner['id'], 'name': 'x', 'protocol': 'sip', 'tenant_uuid': MAIN}, MAIN)

    assert api.get(f'{ENDPOINTS}/{alice["uuid"]}').status_code == 404
    assert api.get(f'{ENDPOINTS}/{bob["uuid"]}').status_code == 200
    [event] = events_for_changes(change_recorder.changes, 'origin', 'now')
    assert (event.name, event.body['data']['uuid']) == ('sip_endpoint_deleted', alice['uuid'])


@pytest.mark.parametrize(
    'name, data',
    [('line_edited', {}), ('line_edited', {'id': 'seven'}), ('user_edited', {'uuid': 'nope'}), ('trunk_edited', [])],
)
def test_an_event_without_what_it_needs_is_unusable(handlers, name, data):
    with pytest.raises(UnusableEvent):
        handlers[name](data, MAIN)


def test_a_users_line_shows_its_endpoint(api, fake_confd, wait_for_service_token):
    line, user = alice_line(fake_confd, MAIN, context='ctx-alice')
    second = fake_confd.add_line(MAIN)
    fake_confd.add_user_to_line(user, second)
    alice, alice2 = endpoint(api, 'alice'), endpoint(api, 'alice2')
    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')
    api.put(f'/lines/{second["id"]}/endpoints/sip/{alice2["uuid"]}')
    base = f'/users/{user["uuid"]}/lines'

    main = api.get(f'{base}/main/associated/endpoints/sip')
    by_id = api.get(f'{base}/{second["id"]}/associated/endpoints/sip')
    merged_main = api.get(f'{base}/main/associated/endpoints/sip', query={'view': 'merged'})

    assert (main.status_code, main.json['uuid']) == (200, alice['uuid'])
    assert by_id.json['uuid'] == alice2['uuid']
    assert ['context', 'ctx-alice'] in merged_main.json['endpoint_section_options']
    assert main.json['endpoint_section_options'] == []


def test_a_users_line_refusals(api, fake_confd, wait_for_service_token):
    line, user = alice_line(fake_confd, MAIN)
    lonely = fake_confd.add_user(MAIN)
    not_hers = fake_confd.add_line(MAIN)
    unknown_user = '0b9f7f9e-0000-4000-8000-00000000abcd'

    cases = {
        f'/users/{unknown_user}/lines/main': f"Resource Not Found - User was not found ('uuid': '{unknown_user}')",
        f'/users/{user["uuid"]}/lines/999999': "Resource Not Found - Line was not found ('id': '999999')",
        f'/users/{user["uuid"]}/lines/abc': "Resource Not Found - Line was not found ('id': 'abc')",
        f'/users/{user["uuid"]}/lines/{not_hers["id"]}': (
            'Resource Not Found - SIPEndpoint was not found '
            f"('user_uuid': '{user['uuid']}', 'line_id': {not_hers['id']})"
        ),
        f'/users/{lonely["uuid"]}/lines/main': (
            f"Resource Not Found - Line was not found ('user_uuid': '{lonely['uuid']}', 'id': 'main')"
        ),
        # her line exists, but no endpoint is associated with it yet
        f'/users/{user["uuid"]}/lines/{line["id"]}': (
            f"Resource Not Found - SIPEndpoint was not found ('user_uuid': '{user['uuid']}', 'line_id': {line['id']})"
        ),
    }
    for path, message in cases.items():
        response = api.get(f'{path}/associated/endpoints/sip')
        assert (response.status_code, response.json) == (404, [message]), path


def test_the_users_line_route_needs_its_acl(api, fake_confd, wait_for_service_token):
    _, user = alice_line(fake_confd, MAIN)
    response = api.as_(NO_ACL_TOKEN).get(f'/users/{user["uuid"]}/lines/main/associated/endpoints/sip')
    assert response.status_code == 401


def test_call_pickups_name_the_groups_of_the_line(api, fake_confd, wait_for_service_token, handlers):
    line, user = alice_line(fake_confd, MAIN)
    second = fake_confd.add_line(MAIN)
    grouped = fake_confd.add_user(MAIN, group_ids=[41])
    fake_confd.add_user_to_line(grouped, line)  # not the main user of `line`
    fake_confd.add_user_to_line(user, second)  # `second` is not her main line
    direct = fake_confd.add_call_pickup(MAIN, interceptors=[user])
    by_group = fake_confd.add_call_pickup(MAIN, targets=[{'id': 41}])
    fake_confd.add_call_pickup(MAIN, interceptors=[user], enabled=False)
    alice, alice2 = endpoint(api, 'alice'), endpoint(api, 'alice2')
    api.put(f'/lines/{line["id"]}/endpoints/sip/{alice["uuid"]}')
    api.put(f'/lines/{second["id"]}/endpoints/sip/{alice2["uuid"]}')

    def groups(endpoint_uuid):
        options = merged(api, endpoint_uuid)['endpoint_section_options']
        return {key: value for key, value in options if key.startswith('named_')}

    # a user in a pickup: on every line of hers; through a group: only on the main line of the main user
    assert groups(alice['uuid']) == {'named_pickup_group': str(direct['id'])}
    assert groups(alice2['uuid']) == {'named_pickup_group': str(direct['id'])}

    user['groups'].append({'id': 41, 'uuid': 'g41', 'name': 'group41'})
    handlers['user_groups_associated']({'user_uuid': user['uuid'], 'group_ids': [41]}, MAIN)
    assert groups(alice['uuid']) == {'named_pickup_group': str(direct['id']), 'named_call_group': str(by_group['id'])}
    assert 'named_call_group' not in groups(alice2['uuid'])

    direct['interceptors']['users'] = []  # its interceptors replaced: the event does not list who left
    pickup_reads = len(fake_confd.requests_of('/callpickups'))
    handlers['call_pickup_interceptor_users_associated']({'call_pickup_id': direct['id'], 'user_uuids': []}, MAIN)
    assert groups(alice['uuid']) == {'named_call_group': str(by_group['id'])}
    assert groups(alice2['uuid']) == {}
    # every line read again, the tenant's pickups once
    assert len(fake_confd.requests_of('/callpickups')) == pickup_reads + 1


@pytest.mark.parametrize('event_tenant, read_again', [(MAIN, {MAIN}), (None, {MAIN, OTHER})])
def test_a_pickup_event_reads_again_the_lines_of_its_tenant(
    api, fake_confd, wait_for_service_token, handlers, event_tenant, read_again
):
    lines = {}
    for tenant, token in ((MAIN, None), (OTHER, OTHER_TOKEN)):
        client = api.as_(token) if token else api
        lines[tenant], _ = alice_line(fake_confd, tenant)
        response = client.post(ENDPOINTS, json={'name': f'alice-{tenant[-1]}'})
        assert response.status_code == 201, response.json
        assert client.put(f'/lines/{lines[tenant]["id"]}/endpoints/sip/{response.json["uuid"]}').status_code == 204
    before = {tenant: len(fake_confd.requests_of(f'/lines/{line["id"]}')) for tenant, line in lines.items()}

    # wazo-confd's event names its tenant (wazo-bus's tenant_uuid header); one that does not concerns all
    handlers['call_pickup_edited']({'id': 1}, event_tenant)

    after = {tenant: len(fake_confd.requests_of(f'/lines/{line["id"]}')) for tenant, line in lines.items()}
    assert {tenant for tenant in lines if after[tenant] > before[tenant]} == read_again


def test_stopping_the_service_closes_its_connections_to_wazo_confd(api, core, fake_confd, wait_for_service_token):
    line, _ = alice_line(fake_confd, MAIN)
    api.put(f'/lines/{line["id"]}/endpoints/sip/{endpoint(api, "alice")["uuid"]}')
    pools = core.confd_client._session.get_adapter('http://').poolmanager.pools
    assert len(pools) == 1  # kept alive between requests

    core.stop()

    assert len(pools) == 0
