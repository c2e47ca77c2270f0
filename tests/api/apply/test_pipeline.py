# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Changes made through the API reach a (fake, faithful) Asterisk 22 ARI, per changed object."""
import json
import threading

import pytest
import sqlalchemy as sa

from wazo_confd_pjsip.apply.components import build_apply
from wazo_confd_pjsip.asterisk.ari import AriClient
from wazo_confd_pjsip.asterisk.probe import PROBE_ENDPOINT_ID as PROBE


def _create_endpoint(api, name='alice', **extra):
    body = {
        'name': name,
        'auth_section_options': [['username', name], ['password', 'secret']],
        'aor_section_options': [['max_contacts', '1']],
        'endpoint_section_options': [['context', 'from-internal'], ['allow', '!all,ulaw']],
        **extra,
    }
    response = api.post('/endpoints/sip', json=body)
    assert response.status_code == 201, response.json
    return response.json


def _requests(fake_ari, method=None):
    return [r for r in fake_ari.request_log if method is None or r['method'] == method]


def _pending(database):
    with database.engine.connect() as connection:
        return connection.execute(sa.text('SELECT count(*) FROM apply_outbox')).scalar()


def test_created_endpoint_reaches_asterisk(api, worker, fake_ari, core):
    endpoint = _create_endpoint(api)

    worker.drain()

    objects = fake_ari.objects()
    assert objects[('auth', 'alice')]['username'] == 'alice'
    assert objects[('aor', 'alice')]['max_contacts'] == '1'
    assert objects[('endpoint', 'alice')]['context'] == 'from-internal'
    assert objects[('endpoint', 'alice')]['aors'] == 'alice'
    assert objects[('endpoint', 'alice')]['auth'] == 'alice'
    assert objects[('endpoint', 'alice')]['set_var'] == {'__WAZO_TENANT_UUID': endpoint['tenant_uuid']}
    assert _pending(core.db) == 0


def test_scalar_change_is_one_merge_of_the_changed_option(api, worker, fake_ari):
    endpoint = _create_endpoint(api, endpoint_section_options=[['context', 'a'], ['allow', '!all,ulaw']])
    worker.drain()
    fake_ari.request_log.clear()

    api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={'aor_section_options': [['max_contacts', '3']]})
    worker.drain()

    writes = [(r['method'], r['path']) for r in fake_ari.request_log if r['method'] in ('PUT', 'DELETE')]
    assert writes == [('PUT', '/ari/asterisk/config/dynamic/res_pjsip/aor/alice')]
    assert fake_ari.objects()[('aor', 'alice')]['max_contacts'] == '3'


def test_endpoint_with_set_var_is_recreated_not_merged(api, worker, fake_ari):
    endpoint = _create_endpoint(api)
    worker.drain()
    fake_ari.request_log.clear()

    api.put(
        f'/endpoints/sip/{endpoint["uuid"]}',
        json={'endpoint_section_options': [['context', 'other'], ['allow', '!all,alaw']]},
    )
    worker.drain()

    writes = [
        (r['method'], r['path'].rsplit('/', 2)[-2]) for r in fake_ari.request_log if r['method'] in ('PUT', 'DELETE')
    ]
    assert writes == [('DELETE', 'endpoint'), ('PUT', 'endpoint')]
    endpoint_object = fake_ari.objects()[('endpoint', 'alice')]
    assert endpoint_object['context'] == 'other'
    assert endpoint_object['allow'] == ('alaw',)


@pytest.mark.parametrize('fake_ari', [True], indirect=True, ids=['patched'])
def test_endpoint_with_set_var_is_merged_by_a_patched_asterisk(api, worker, fake_ari):
    endpoint = _create_endpoint(api)
    worker.drain()
    fake_ari.request_log.clear()

    api.put(
        f'/endpoints/sip/{endpoint["uuid"]}',
        json={'endpoint_section_options': [['context', 'other'], ['allow', '!all,alaw'], ['set_var', 'X=1']]},
    )
    worker.drain()

    writes = [
        (r['method'], r['path'].rsplit('/', 2)[-2], r['body']) for r in fake_ari.request_log if r['method'] != 'GET'
    ]
    assert [(method, object_type) for method, object_type, _ in writes] == [('PUT', 'endpoint')]
    assert [(field['attribute'], field['value']) for field in json.loads(writes[0][2])['fields']] == [
        ('context', 'other'),
        ('disallow', 'all'),
        ('allow', '!all,alaw'),
        ('set_var', 'X=1'),
        ('callerid', ''),
    ]
    endpoint_object = fake_ari.objects()[('endpoint', 'alice')]
    assert (endpoint_object['context'], endpoint_object['allow']) == ('other', ('alaw',))
    assert endpoint_object['set_var'] == {'X': '1', '__WAZO_TENANT_UUID': endpoint['tenant_uuid']}


@pytest.mark.parametrize('fake_ari', [False, True], indirect=True, ids=['stock', 'patched'])
def test_each_engine_is_probed_once_per_asterisk_start(api, worker, fake_ari):
    probe_path = f'/ari/asterisk/config/dynamic/res_pjsip/endpoint/{PROBE}'
    endpoint = _create_endpoint(api)
    worker.drain()
    for context in ('a', 'b'):
        api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={'endpoint_section_options': [['context', context]]})
        worker.drain()
    fake_ari.restart()
    worker.check_engines(force=True)
    api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={'endpoint_section_options': [['context', 'c']]})
    worker.drain()

    probes = [(r['method'], r['status']) for r in fake_ari.request_log if r['path'] == probe_path]
    patched = fake_ari.types['endpoint'].set_var_round_trips
    once = [('DELETE', 404), ('PUT', 200), ('PUT', 200 if patched else 500), ('DELETE', 204)]
    assert probes == once + once
    assert ('endpoint', PROBE) not in fake_ari.objects()
    assert fake_ari.objects()[('endpoint', 'alice')]['context'] == 'c'


def test_template_change_fans_out_to_every_descendant(api, worker, fake_ari):
    base = api.post(
        '/endpoints/sip/templates', json={'name': 'base', 'endpoint_section_options': [['language', 'fr_FR']]}
    ).json
    middle = api.post('/endpoints/sip/templates', json={'name': 'middle', 'templates': [{'uuid': base['uuid']}]}).json
    for index in range(5):
        _create_endpoint(api, f'line{index}', templates=[{'uuid': middle['uuid']}])
    _create_endpoint(api, 'outsider')
    worker.drain()
    fake_ari.request_log.clear()

    api.put(f'/endpoints/sip/templates/{base["uuid"]}', json={'endpoint_section_options': [['language', 'de_DE']]})
    worker.drain()

    objects = fake_ari.objects()
    assert {objects[('endpoint', f'line{i}')]['language'] for i in range(5)} == {'de_DE'}
    touched = {r['path'].rsplit('/', 1)[-1] for r in _requests(fake_ari, 'PUT')}
    assert touched == {f'line{i}' for i in range(5)}


def test_deleted_endpoint_leaves_asterisk(api, worker, fake_ari):
    endpoint = _create_endpoint(api)
    worker.drain()

    assert api.delete(f'/endpoints/sip/{endpoint["uuid"]}').status_code == 204
    worker.drain()

    assert not [key for key in fake_ari.objects() if key[1] == 'alice']


def test_outage_then_recovery_loses_nothing(api, worker, fake_ari, core):
    worker.drain()  # first contact
    fake_ari.down()
    _create_endpoint(api, 'bob')
    worker.drain()
    assert _pending(core.db) == 1
    status = api.get('/asterisk/pjsip/sync').json['engines']['default']
    assert status['reachable'] is False
    assert status['pending_changes'] == 1

    fake_ari.up()
    with core.db.engine.begin() as connection:  # the backoff has passed
        connection.execute(sa.text('UPDATE apply_outbox SET next_attempt_at = now()'))
    worker.drain()

    assert ('endpoint', 'bob') in fake_ari.objects()
    assert _pending(core.db) == 0


def test_restarted_asterisk_gets_everything_again(api, worker, fake_ari):
    _create_endpoint(api, 'carol')
    _create_endpoint(api, 'dave')
    worker.drain()

    fake_ari.restart()
    assert ('endpoint', 'carol') not in fake_ari.objects()
    worker.check_engines(force=True)

    objects = fake_ari.objects()
    assert {('endpoint', 'carol'), ('endpoint', 'dave'), ('aor', 'carol'), ('auth', 'dave')} <= set(objects)
    puts = [r['path'].split('/')[-2] for r in _requests(fake_ari, 'PUT')[-6:]]
    assert puts == ['auth', 'auth', 'aor', 'aor', 'endpoint', 'endpoint']  # phased


def test_a_restarted_service_applies_its_outbox(api, core, fake_ari, catalogue=None):
    _create_endpoint(api, 'erin')  # no worker ran: the service "stopped" here

    restarted = build_apply(core.config, core.db, core.catalogue)
    restarted.worker.drain()

    assert ('endpoint', 'erin') in fake_ari.objects()


def test_concurrent_workers_apply_each_change_once(api, core, fake_ari):
    first = build_apply(core.config, core.db, core.catalogue).worker
    second = build_apply(core.config, core.db, core.catalogue).worker
    first.drain()  # first contact, so that both then only apply changes
    second.check_engines(force=True)
    fake_ari.request_log.clear()
    for index in range(20):
        _create_endpoint(api, f'user{index}')

    threads = [threading.Thread(target=worker.drain) for worker in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # each worker probes the engine once (the probe's id is no endpoint's)
    puts = [r['path'] for r in _requests(fake_ari, 'PUT') if not r['path'].endswith(PROBE)]
    assert len(puts) == len(set(puts)) == 60
    assert _pending(core.db) == 0


def test_engine_sections_are_written_and_reloaded(api, worker, fake_ari, pjsip_conf_file):
    worker.drain()
    response = api.post(
        '/sip/transports', json={'name': 'transport-udp', 'options': [['protocol', 'udp'], ['bind', '0.0.0.0:5060']]}
    )
    assert response.status_code == 201
    api.put('/asterisk/pjsip/system', json={'options': {'timer_t1': '600'}})
    reloads_before = len(fake_ari.reloads)

    worker.drain()

    text = pjsip_conf_file.read_text()
    assert '[transport-udp]\ntype = transport\nprotocol = udp\nbind = 0.0.0.0:5060\n' in text
    assert '[global]\ntype = global\nuser_agent = Wazo PBX\n' in text
    assert '[system]\ntype = system\ntimer_t1 = 600\n' in text
    assert len(fake_ari.reloads) == reloads_before + 1
    api.put('/asterisk/pjsip/system', json={'options': {'timer_t1': '500'}})
    worker.drain()
    assert 'system' in api.get('/asterisk/pjsip/sync').json['engines']['default']['restart_required']


def test_endpoint_asterisk_view(api, worker, fake_ari):
    endpoint = _create_endpoint(api)
    before = api.get(f'/endpoints/sip/{endpoint["uuid"]}/asterisk').json
    assert before['pending'] is True
    assert {(o['type'], o['id'], o['applied']) for o in before['objects']} == {
        ('auth', 'alice', False),
        ('aor', 'alice', False),
        ('endpoint', 'alice', False),
    }

    worker.drain()

    after = api.get(f'/endpoints/sip/{endpoint["uuid"]}/asterisk').json
    assert after['pending'] is False
    assert all(o['applied'] for o in after['objects'])
    text = api.get(f'/endpoints/sip/{endpoint["uuid"]}/asterisk', headers={'Accept': 'text/plain'})
    assert text.mimetype == 'text/plain'
    assert '[alice]\ntype = endpoint\n' in text.get_data(as_text=True)


def test_wait_applied_returns_once_applied(api, worker, fake_ari):
    worker.drain()
    worker.start()
    try:
        response = api.post(
            '/endpoints/sip',
            json={'name': 'frank', 'auth_section_options': [['username', 'f'], ['password', 'p']]},
            query={'wait_applied': '5'},
        )
    finally:
        worker.stop()
    assert response.status_code == 201
    assert response.headers['Wazo-Apply-Status'] == 'applied'
    assert ('auth', 'frank') in fake_ari.objects()


def test_forced_resync_sends_only_what_asterisk_lacks(api, worker, fake_ari):
    _create_endpoint(api, 'gina')
    worker.drain()
    with AriClient(fake_ari.url, 'wazo', 'secret') as ari:
        assert ari.delete_object('auth', 'gina')  # behind the service's back
    fake_ari.request_log.clear()

    assert api.post('/asterisk/pjsip/sync').status_code == 204
    worker.drain()

    assert ('auth', 'gina') in fake_ari.objects()
    writes = [(r['method'], r['path'].rsplit('/', 2)[-2]) for r in fake_ari.request_log if r['method'] != 'GET']
    # the aor (its registered contacts) and the endpoint (its calls) are left alone
    assert writes == [('PUT', 'auth')]
    assert api.get('/asterisk/pjsip/sync').json['engines']['default']['last_full_resync_at'] is not None


@pytest.mark.parametrize(
    'body, message',
    [
        ({'engine': ['default']}, 'Input Error - engine: Not a valid string.'),
        ({'engine': {}}, 'Input Error - engine: Not a valid string.'),
        ({'engine': 5}, 'Input Error - engine: Not a valid string.'),
        ({'engine': ''}, 'Input Error - engine: Shorter than minimum length 1.'),
        (['default'], 'Input Error - body: Must be a JSON object'),
    ],
)
def test_forced_resync_body_is_validated(api, worker, core, body, message):
    response = api.post('/asterisk/pjsip/sync', json=body)

    assert (response.status_code, response.json) == (400, [message])
    assert _pending(core.db) == 0


def test_forced_resync_of_an_unknown_engine_is_404_and_of_null_every_engine(api, worker, core):
    response = api.post('/asterisk/pjsip/sync', json={'engine': 'nope'})
    assert (response.status_code, response.json) == (
        404,
        ["Resource Not Found - AsteriskEngine was not found ('name': 'nope')"],
    )
    assert api.post('/asterisk/pjsip/sync', json={'engine': None, 'ignored': 1}).status_code == 204
    assert _pending(core.db) == 1


def test_wait_applied_is_checked_after_authentication(api, worker):
    assert api.as_(token=None).post('/endpoints/sip', json={}, query={'wait_applied': 'bad'}).status_code == 401
    refused = api.post('/endpoints/sip', json={}, query={'wait_applied': 'bad'})
    assert refused.status_code == 400
    assert refused.json == ['Input Error - wait_applied: Must be a boolean or a number of seconds.']
    assert api.get('/endpoints/sip').json['total'] == 0


def test_wait_applied_says_pending_when_asterisk_is_down(api, worker, fake_ari):
    worker.drain()
    fake_ari.down()
    response = api.post('/endpoints/sip', json={'name': 'late'}, query={'wait_applied': '0.3'})
    assert response.status_code == 201
    assert response.headers['Wazo-Apply-Status'] == 'pending'


@pytest.mark.parametrize('path', ['one change', 'full push'])
def test_an_object_asterisk_refuses_is_reported_not_retried(api, worker, fake_ari, core, path):
    if path == 'one change':
        worker.check_engines(force=True)  # contact made: the next drain applies changes one by one
    fake_ari.define_file_object('auth', 'handmade', [('username', 'h'), ('password', 'p')])
    _create_endpoint(api, 'handmade')
    _create_endpoint(api, 'fine')

    worker.drain()

    status = api.get('/asterisk/pjsip/sync').json['engines']['default']
    assert status['last_error'].startswith('auth handmade: 403')
    assert (status['pending_changes'], status['refused_changes']) == (0, 1)  # kept to be reported, not retried
    assert worker.drain() == 0
    assert ('endpoint', 'handmade') not in fake_ari.objects()  # nothing points at the refused auth
    assert ('endpoint', 'fine') in fake_ari.objects()
    with core.db.engine.connect() as connection:
        recorded = set(connection.execute(sa.text('SELECT object_type, object_id FROM engine_object')).all())
    # pushed together, recorded together: the refusal spoils nothing of the other's record
    assert {('auth', 'fine'), ('aor', 'fine'), ('endpoint', 'fine')} <= recorded
    assert not {key for key in recorded if key[1] == 'handmade'}
