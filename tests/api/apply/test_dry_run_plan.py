# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A dry run's operations are what the worker then sends to the (fake, faithful) ARI for the same write."""
import json
from collections import defaultdict

import pytest

from wazo_confd_pjsip.asterisk.probe import PROBE_ENDPOINT_ID as PROBE

from .helpers import create_endpoint

DRY = {'dry_run': 'true'}
OBJECTS_PATH = '/ari/asterisk/config/dynamic/res_pjsip/'


def _sent(fake_ari):
    """(type, id) → [(method, option names)] of the writes ARI received, in order per object."""
    sent = defaultdict(list)
    for request in fake_ari.request_log:
        if request['method'] not in ('PUT', 'DELETE') or not request['path'].startswith(OBJECTS_PATH):
            continue
        object_type, object_id = request['path'][len(OBJECTS_PATH) :].split('/')
        if object_id == PROBE:
            continue
        fields = json.loads(request['body'])['fields'] if request['body'] else []
        sent[(object_type, object_id)].append((request['method'], [field['attribute'] for field in fields]))
    return dict(sent)


def _previewed(preview):
    [engine] = preview['engines']
    assert engine['operations']['total'] == len(engine['operations']['items'])
    previewed = defaultdict(list)
    for operation in engine['operations']['items']:
        method = 'DELETE' if operation['action'] == 'delete' else 'PUT'
        previewed[(operation['type'], operation['id'])].append((method, operation['options']))
    return dict(previewed)


def _setup(api):
    base = api.post(
        '/endpoints/sip/templates', json={'name': 'base', 'endpoint_section_options': [['language', 'fr_FR']]}
    )
    other = api.post(
        '/endpoints/sip/templates', json={'name': 'other', 'aor_section_options': [['qualify_frequency', '30']]}
    )
    lines = [create_endpoint(api, f'line{n}', templates=[{'uuid': base.json['uuid']}]) for n in range(3)]
    return {'base': base.json, 'other': other.json, 'lines': lines}


WRITES = {
    'aor scalar': lambda state: (
        'PUT',
        f'/endpoints/sip/{state["lines"][0]["uuid"]}',
        {'aor_section_options': [['max_contacts', '2']]},
    ),
    'endpoint option': lambda state: (
        'PUT',
        f'/endpoints/sip/{state["lines"][0]["uuid"]}',
        {'endpoint_section_options': [['context', 'other'], ['allow', '!all,alaw']]},
    ),
    'template fan-out': lambda state: (
        'PUT',
        f'/endpoints/sip/templates/{state["base"]["uuid"]}',
        {'endpoint_section_options': [['language', 'de_DE']]},
    ),
    'new parent': lambda state: (
        'PUT',
        f'/endpoints/sip/{state["lines"][1]["uuid"]}',
        {'templates': [{'uuid': state['other']['uuid']}, {'uuid': state['base']['uuid']}]},
    ),
    'rename': lambda state: ('PUT', f'/endpoints/sip/{state["lines"][2]["uuid"]}', {'name': 'renamed'}),
    'create': lambda state: (
        'POST',
        '/endpoints/sip',
        {'name': 'new', 'auth_section_options': [['username', 'n'], ['password', 'p']]},
    ),
    'delete': lambda state: ('DELETE', f'/endpoints/sip/{state["lines"][0]["uuid"]}', None),
}


@pytest.mark.parametrize('fake_ari', [False, True], indirect=True, ids=['stock', 'patched'])
@pytest.mark.parametrize('write', list(WRITES))
def test_the_preview_is_what_the_worker_sends(api, worker, fake_ari, write):
    state = _setup(api)
    worker.drain()
    method, path, body = WRITES[write](state)

    preview = api.request(method, path, json=body, query=DRY)
    assert preview.status_code == 200, preview.json
    fake_ari.request_log.clear()
    real = api.request(method, path, json=body)
    assert real.status_code < 300, real.json
    worker.drain()

    assert _previewed(preview.json) == _sent(fake_ari)
    assert _sent(fake_ari), 'each of these writes sends something'


def test_an_unchanged_endpoint_has_no_operation(api, worker, fake_ari):
    state = _setup(api)
    worker.drain()
    line = state['lines'][0]

    preview = api.put(f'/endpoints/sip/{line["uuid"]}', json={'label': 'relabelled'}, query=DRY)

    assert preview.json['engines'][0]['operations'] == {'total': 0, 'counts': {}, 'items': []}


@pytest.mark.parametrize('fake_ari', [False, True], indirect=True, ids=['stock', 'patched'])
def test_a_recreation_says_why(api, worker, fake_ari):
    state = _setup(api)
    worker.drain()
    line = state['lines'][0]

    preview = api.put(
        f'/endpoints/sip/{line["uuid"]}', json={'endpoint_section_options': [['context', 'x']]}, query=DRY
    )

    operations = [op for op in preview.json['engines'][0]['operations']['items'] if op['type'] == 'endpoint']
    if fake_ari.types['endpoint'].set_var_round_trips:
        assert [(op['action'], op['reason']) for op in operations] == [('merge', 'changed')]
    else:
        assert [(op['action'], op['reason']) for op in operations] == [
            ('delete', 're-create: endpoint has set_var'),
            ('put', 're-create: endpoint has set_var'),
        ]
