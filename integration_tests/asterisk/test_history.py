# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reverts and dry runs against the real Asterisk: a revert reaches it like any write, a dry run never does,
and what a dry run previews is what then reaches it."""
from .conftest import ENDPOINTS, TEMPLATES
from .service import Api
from .test_sip import create_phone, template, unique

DRY = {'dry_run': 'true'}


def changes_of(api, path):
    return api.get(f'{path}/history')['items']  # newest first


def revert(api, path, change):
    return api.post(f'{path}/history/{change["change_uuid"]}/revert', None, expected=200)


def endpoint_named(api, name):
    [endpoint] = api.get(ENDPOINTS, params={'name': name})['items']
    return endpoint


def test_a_reverted_password_and_context_are_live_at_once(api, asterisk, sip_port):
    phone = create_phone(api, sip_port, 'first-password')
    endpoint = endpoint_named(api, phone.name)
    path = f'{ENDPOINTS}/{endpoint["uuid"]}'
    api.put(
        path,
        {
            'auth_section_options': [['username', phone.username], ['password', 'second-password']],
            'endpoint_section_options': [['context', 'elsewhere']],
        },
    )
    assert asterisk.object('endpoint', phone.name)['context'] == ['elsewhere']
    assert phone.register('second-password').statuses[-1] == 200

    edited = changes_of(api, path)[0]
    assert edited['action'] == 'edited'
    revert(api, path, edited)

    assert asterisk.object('endpoint', phone.name)['context'] != ['elsewhere']
    assert phone.register('first-password').statuses == [401, 200]
    assert 200 not in phone.register('second-password').statuses


def test_a_reverted_template_change_reaches_its_endpoints(api, asterisk):
    base = api.post(TEMPLATES, {'label': unique('tpl'), 'endpoint_section_options': [['language', 'fr_FR']]})
    names = [unique('child') for _ in range(3)]
    for name in names:
        api.post(ENDPOINTS, {'name': name, 'templates': [template(api, 'global'), {'uuid': base['uuid']}]})
    path = f'{TEMPLATES}/{base["uuid"]}'
    api.put(path, {'endpoint_section_options': [['language', 'de_DE']]})
    assert {asterisk.object('endpoint', name)['language'][0] for name in names} == {'de_DE'}

    revert(api, path, changes_of(api, path)[0])

    assert {asterisk.object('endpoint', name)['language'][0] for name in names} == {'fr_FR'}


def test_reverting_a_creation_removes_the_endpoint_and_reverting_its_removal_brings_it_back(api, asterisk):
    name = unique('line')
    created = api.post(
        ENDPOINTS,
        {
            'name': name,
            'auth_section_options': [['username', name], ['password', 'pw']],
            'templates': [template(api, 'global')],
        },
    )
    path = f'{ENDPOINTS}/{created["uuid"]}'
    assert asterisk.object('endpoint', name) is not None
    [creation] = changes_of(api, path)

    revert(api, path, creation)
    assert (asterisk.object('endpoint', name), asterisk.object('auth', name)) == (None, None)

    removal = changes_of(api, path)[0]
    assert removal['action'] == 'deleted'
    revert(api, path, removal)
    assert asterisk.object('auth', name)['username'] == [name]
    assert asterisk.object('endpoint', name) is not None


def test_a_dry_run_sends_nothing_and_previews_the_real_engines_operations(api, asterisk, service):
    name = unique('line')
    created = api.post(
        ENDPOINTS,
        {'name': name, 'endpoint_section_options': [['context', 'before']], 'templates': [template(api, 'global')]},
    )
    path = f'{ENDPOINTS}/{created["uuid"]}'

    dry = api.request('PUT', path, 200, json={'endpoint_section_options': [['context', 'after']]}, params=DRY).json()

    assert asterisk.object('endpoint', name)['context'] == ['before']
    assert dry['endpoints'] == {'total': 1, 'items': [{'uuid': created['uuid'], 'name': name}]}
    [engine] = dry['engines']
    # A stock Asterisk 22 cannot copy an endpoint with set_var (every Wazo endpoint): a re-creation.
    assert [(op['action'], op['type'], op['reason']) for op in engine['operations']['items']] == [
        ('delete', 'endpoint', 're-create: endpoint has set_var'),
        ('put', 'endpoint', 're-create: endpoint has set_var'),
    ]
    assert {'field': 'endpoint_section_options', 'key': 'context', 'before': 'before', 'after': 'after'} in dry[
        'example'
    ]['changes']
    assert (dry['reload_required'], dry['restart_required']) == (False, False)
    assert changes_of(api, path)[0]['action'] == 'created'  # the dry run left no record

    api.put(path, {'endpoint_section_options': [['context', 'after']]})
    assert asterisk.object('endpoint', name)['context'] == ['after']


def test_a_dry_run_of_a_transport_socket_change_says_a_restart_is_needed(api, asterisk, service):
    master = Api(service.url)
    [transport] = master.get('/sip/transports')['items']
    options = [line for line in transport['options'] if line[0] != 'bind'] + [['bind', '127.0.0.1:5999']]

    dry = master.request(
        'PUT', f'/sip/transports/{transport["uuid"]}', 200, json={**transport, 'options': options}, params=DRY
    ).json()

    [engine] = dry['engines']
    assert (dry['reload_required'], dry['restart_required']) == (True, True)
    assert engine['restart_reasons'] == [f'transport {transport["name"]} changed its socket options']
    assert master.get(f'/sip/transports/{transport["uuid"]}')['options'] == transport['options']
