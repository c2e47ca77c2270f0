# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fake's behaviour where the transcripts are silent: Asterisk's hazards and the test controls."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import websocket

from tests.fakes.fake_ari import FakeAri

from .conftest import PASSWORD, USER

CONFIG = '/ari/asterisk/config/dynamic/res_pjsip'


def put(fake, object_type, object_id, fields, auth=(USER, PASSWORD)):
    body = {'fields': [{'attribute': attribute, 'value': value} for attribute, value in fields]}
    return requests.put(f'{fake.url}{CONFIG}/{object_type}/{object_id}', json=body, auth=auth, timeout=5)


def request(fake, method, path, auth=(USER, PASSWORD), **kwargs):
    return requests.request(method, f'{fake.url}{path}', auth=auth, timeout=5, **kwargs)


def shown(response):
    return [(field['attribute'], field['value']) for field in response.json()]


ENDPOINT = [('context', 'from-internal'), ('allow', '!all,ulaw'), ('callerid', '"Alice" <1001>')]


def test_read_only_user_cannot_write_but_can_read(fake_ari):
    put(fake_ari, 'endpoint', 'alice', ENDPOINT)

    refused = put(fake_ari, 'endpoint', 'alice', [('context', 'x')], auth=('viewer', 'look'))
    read = request(fake_ari, 'GET', f'{CONFIG}/endpoint/alice', auth=('viewer', 'look'))

    assert (refused.status_code, refused.json()) == (403, {'message': 'Write access denied'})
    assert read.status_code == 200
    assert fake_ari.objects()[('endpoint', 'alice')]['context'] == 'from-internal'


def test_booting_asterisk_answers_503_after_authentication(fake_ari):
    fake_ari.booting = True

    booting = request(fake_ari, 'GET', '/ari/asterisk/info')
    unauthenticated = request(fake_ari, 'GET', '/ari/asterisk/info', auth=(USER, 'wrong'))

    assert (booting.status_code, booting.json()) == (503, {'message': 'Asterisk not booted'})
    assert unauthenticated.status_code == 401


def test_api_key_query_authenticates(fake_ari):
    response = requests.get(f'{fake_ari.url}/ari/asterisk/info?api_key={USER}:{PASSWORD}', timeout=5)

    assert response.status_code == 200


@pytest.mark.parametrize(
    'fields',
    [
        [('set_var', 'FOO=bar')],  # reads back as FOO=bar: no such option for the copy
        [('context', 'x')],  # no codecs: reads back as (nothing), not a codec
    ],
    ids=['set_var', 'no-codecs'],
)
def test_endpoint_update_that_asterisk_cannot_copy_is_500(fake_ari, fields):
    put(fake_ari, 'endpoint', 'alice', fields)

    response = put(fake_ari, 'endpoint', 'alice', [('context', 'other')])
    empty_update = request(fake_ari, 'PUT', f'{CONFIG}/endpoint/alice', json={})

    assert (response.status_code, response.json()) == (500, {'error': 'Allocation failed'})
    assert empty_update.status_code == 500  # the copy fails before the fields are even looked at
    assert fake_ari.objects()[('endpoint', 'alice')]['context'] != 'other'


def test_set_var_reads_back_as_the_variables(fake_ari):
    response = put(fake_ari, 'endpoint', 'alice', ENDPOINT + [('set_var', '__WAZO_TENANT_UUID=t1'), ('set_var', 'X=1')])

    fields = shown(response)
    assert ('__WAZO_TENANT_UUID', 't1') in fields and ('X', '1') in fields
    assert 'set_var' not in dict(fields)
    assert fake_ari.objects()[('endpoint', 'alice')]['set_var'] == {'__WAZO_TENANT_UUID': 't1', 'X': '1'}


@pytest.fixture
def patched_ari():
    """A fake of an Asterisk built with contrib/asterisk/patches."""
    with FakeAri(username=USER, password=PASSWORD, set_var_round_trips=True) as fake:
        yield fake
        fake.assert_healthy()


def test_patched_set_var_reads_back_as_the_option_and_an_update_keeps_it(patched_ari):
    created = put(patched_ari, 'endpoint', 'alice', ENDPOINT + [('set_var', 'X=1'), ('set_var', 'Y=a=b')])

    updated = put(patched_ari, 'endpoint', 'alice', [('context', 'other')])

    assert [line for line in shown(created) if line[0] in ('set_var', 'X', 'Y')] == [
        ('set_var', 'X=1'),
        ('set_var', 'Y=a=b'),
    ]
    assert updated.status_code == 200
    assert patched_ari.objects()[('endpoint', 'alice')]['set_var'] == {'X': '1', 'Y': 'a=b'}
    assert patched_ari.objects()[('endpoint', 'alice')]['context'] == 'other'


def test_patched_set_var_of_a_known_name_replaces_its_value(patched_ari):
    put(patched_ari, 'endpoint', 'alice', ENDPOINT + [('set_var', 'X=1'), ('set_var', 'Y=2')])

    put(patched_ari, 'endpoint', 'alice', [('set_var', 'X=3'), ('set_var', 'Z=4')])

    assert patched_ari.objects()[('endpoint', 'alice')]['set_var'] == {'X': '3', 'Y': '2', 'Z': '4'}


def test_patched_endpoint_without_codecs_still_cannot_be_updated(patched_ari):
    put(patched_ari, 'endpoint', 'alice', [('set_var', 'X=1')])

    response = put(patched_ari, 'endpoint', 'alice', [('context', 'other')])

    assert (response.status_code, response.json()) == (500, {'error': 'Allocation failed'})


def test_inline_acl_becomes_a_missing_named_acl_on_update(fake_ari):
    created = put(fake_ari, 'endpoint', 'alice', ENDPOINT + [('deny', '0.0.0.0/0'), ('permit', '10.1.0.0/16')])
    updated = put(fake_ari, 'endpoint', 'alice', [('context', 'other')])

    assert dict(shown(created))['acl'] == 'deny/permit'
    assert 'deny' not in dict(shown(created)) and 'permit' not in dict(shown(created))
    assert updated.status_code == 200
    assert fake_ari.objects()[('endpoint', 'alice')]['acl'] == (('acl', 'deny/permit'),)


def test_repeatable_options_append_on_update(fake_ari):
    put(fake_ari, 'endpoint', 'alice', ENDPOINT)
    put(fake_ari, 'aor', 'alice', [('contact', 'sip:a@192.0.2.1')])
    put(fake_ari, 'identify', 'alice', [('endpoint', 'alice'), ('match', '192.0.2.1')])

    put(fake_ari, 'endpoint', 'alice', [('allow', 'alaw')])
    put(fake_ari, 'aor', 'alice', [('contact', 'sip:b@192.0.2.2')])
    put(fake_ari, 'identify', 'alice', [('match', '192.0.2.0/24')])

    objects = fake_ari.objects()
    assert objects[('endpoint', 'alice')]['allow'] == ('ulaw', 'alaw')
    assert objects[('aor', 'alice')]['contact'] == ('sip:a@192.0.2.1', 'sip:b@192.0.2.2')
    assert objects[('identify', 'alice')]['match'] == ('192.0.2.1/255.255.255.255', '192.0.2.0/255.255.255.0')


def test_several_matches_read_back_as_several_attributes(fake_ari):
    response = put(fake_ari, 'identify', 'trunk', [('endpoint', 'trunk'), ('match', '192.0.2.1,2001:db8::/32')])

    assert [value for attribute, value in shown(response) if attribute == 'match'] == [
        '192.0.2.1/255.255.255.255',
        '2001:db8::/ffff:ffff::',
    ]


def test_update_keeps_the_dtls_verification_level(fake_ari):
    created = put(fake_ari, 'endpoint', 'alice', ENDPOINT + [('dtls_verify', 'fingerprint')])
    put(fake_ari, 'endpoint', 'alice', [('context', 'other')])

    assert dict(shown(created))['dtls_verify'] == 'Fingerprint'
    assert fake_ari.objects()[('endpoint', 'alice')]['dtls_verify'] == 'fingerprint'


def test_update_of_endpoint_without_callerid_makes_it_unknown(fake_ari):
    created = put(fake_ari, 'endpoint', 'alice', [('allow', 'ulaw')])
    put(fake_ari, 'endpoint', 'alice', [('context', 'other')])

    assert dict(shown(created))['callerid'] == '<unknown>'
    assert fake_ari.objects()[('endpoint', 'alice')]['callerid'] == 'unknown'


@pytest.mark.parametrize(
    'object_type, fields',
    [
        ('endpoint', [('dtmf_mode', 'bogus')]),
        ('endpoint', [('allow', 'ulaw,notacodec')]),
        ('endpoint', [('timers_min_se', '-1')]),
        ('endpoint', [('tos_audio', 'bogus')]),
        ('endpoint', [('set_var', 'NO_EQUAL_SIGN')]),
        ('endpoint', [('deny', 'not-an-address')]),
        ('aor', [('qualify_timeout', 'soon')]),
        ('aor', [('contact', 'http://example.com')]),
        ('auth', [('password', 'p')]),  # no username
        ('auth', [('username', 'u'), ('password', 'p'), ('supported_algorithms_uas', 'sha-1')]),
        ('identify', [('match', '192.0.2.1')]),  # no endpoint
        ('identify', [('endpoint', 'e')]),  # matches nothing
        ('registration', [('server_uri', 'sip:192.0.2.1')]),  # no client_uri
        ('registration', [('server_uri', 'sip:p'), ('client_uri', 'sip:u@p'), ('line', 'yes')]),
        ('registration', [('server_uri', 'sip:p'), ('client_uri', 'sip:u@p'), ('endpoint', 'e')]),  # no line=yes
        ('registration', [('server_uri', '192.0.2.1'), ('client_uri', 'sip:u@192.0.2.1')]),  # not a SIP URI
        ('endpoint', [('dtls_cert_file', '/nonexistent/cert.pem')]),
        ('endpoint', [('timers_sess_expires', '60')]),  # shorter than timers_min_se
        ('aor', [('max_contacts', '7 ')]),  # blanks only before a number
    ],
)
def test_values_asterisk_refuses_are_400_and_create_nothing(fake_ari, object_type, fields):
    response = put(fake_ari, object_type, 'x', fields)

    assert response.status_code == 400
    assert response.json() == {'message': "Creation of object 'x' failed field value validation"}
    assert (object_type, 'x') not in fake_ari.objects()


def test_values_are_normalized_as_asterisk_reads_them_back(fake_ari):
    response = put(
        fake_ari,
        'endpoint',
        'alice',
        [
            ('allow', '!all,ULAW,alaw:20'),
            ('direct_media', 'maybe'),
            ('timers', 'forced'),
            ('callerid', '1001'),
            ('tos_audio', 'ef'),
            ('identify_by', 'ip,username,ip'),
            ('webrtc', 'yes'),
        ],
    )

    fields = dict(shown(response))
    assert fields['allow'] == '(ulaw|alaw)'
    assert fields['direct_media'] == 'false'
    assert fields['timers'] == 'always'
    assert fields['callerid'] == '1001'
    assert fields['tos_audio'] == '184'
    assert fields['identify_by'] == 'ip,username'
    assert fields['webrtc'] == 'yes'


def test_numbers_and_addresses_are_read_as_asterisk_c_code_reads_them(fake_ari):
    aor = put(
        fake_ari, 'aor', 'alice', [('max_contacts', '010'), ('default_expiration', ' 0x10'), ('qualify_timeout', '1e1')]
    )
    identify = put(fake_ari, 'identify', 'alice', [('endpoint', 'alice'), ('match', '5, 10.1/255.0.255.0')])

    read = dict(shown(aor))
    assert (read['max_contacts'], read['default_expiration'], read['qualify_timeout']) == ('8', '16', '10.000000')
    assert [value for attribute, value in shown(identify) if attribute == 'match'] == [
        '0.0.0.5/255.255.255.255',
        '10.0.0.0/255.0.255.0',
    ]


def test_direct_media_method_reads_back_as_the_connected_line_method(fake_ari):
    created = put(fake_ari, 'endpoint', 'alice', ENDPOINT + [('direct_media_method', 'update')])
    put(fake_ari, 'endpoint', 'alice', [('context', 'other')])

    assert dict(shown(created))['direct_media_method'] == 'invite'
    assert fake_ari.objects()[('endpoint', 'alice')]['direct_media_method'] == 'invite'  # the update lost it


def test_endpoint_with_preferred_codec_only_cannot_be_updated(fake_ari):
    created = put(fake_ari, 'endpoint', 'alice', ENDPOINT + [('preferred_codec_only', 'yes')])

    updated = put(fake_ari, 'endpoint', 'alice', [('context', 'other')])

    assert dict(shown(created))['incoming_call_offer_pref'] == 'local_first'
    assert (updated.status_code, updated.json()) == (500, {'error': 'Allocation failed'})


def test_registration_outbound_auths_read_back_one_each_and_an_update_keeps_the_last(fake_ari):
    registration = [('server_uri', 'sip:192.0.2.1'), ('client_uri', 'sip:u@192.0.2.1'), ('outbound_auth', 'a,b')]
    created = put(fake_ari, 'registration', 'trunk', registration)
    updated = put(fake_ari, 'registration', 'trunk', [('retry_interval', '30')])

    assert [value for attribute, value in shown(created) if attribute == 'outbound_auth'] == ['a', 'b']
    assert [value for attribute, value in shown(updated) if attribute == 'outbound_auth'] == ['b']


def test_webrtc_turns_on_what_it_needs(fake_ari):
    fields = dict(shown(put(fake_ari, 'endpoint', 'alice', ENDPOINT + [('webrtc', 'yes'), ('dtls_rekey', '5')])))

    assert {
        key: fields[key]
        for key in (
            'bundle',
            'rtcp_mux',
            'ice_support',
            'use_avpf',
            'media_encryption',
            'dtls_verify',
            'dtls_setup',
            'dtls_rekey',
            'dtls_auto_generate_cert',
        )
    } == {
        'bundle': 'true',
        'rtcp_mux': 'true',
        'ice_support': 'true',
        'use_avpf': 'true',
        'media_encryption': 'dtls',
        'dtls_verify': 'Fingerprint',
        'dtls_setup': 'actpass',
        'dtls_rekey': '0',
        'dtls_auto_generate_cert': 'Yes',
    }


def test_contact_user_reads_back_once_given(fake_ari):
    without = put(fake_ari, 'endpoint', 'alice', ENDPOINT)
    given = put(fake_ari, 'endpoint', 'bob', ENDPOINT + [('contact_user', 'bob')])

    assert 'contact_user' not in dict(shown(without))
    assert dict(shown(given))['contact_user'] == 'bob'


def test_custom_fields_are_kept(fake_ari):
    response = put(fake_ari, 'endpoint', 'alice', ENDPOINT + [('@department', 'sales')])

    assert ('@department', 'sales') in shown(response)


def test_file_objects_are_visible_but_read_only(fake_ari):
    fake_ari.define_file_object('endpoint', 'static', [('context', 'from-file'), ('allow', 'ulaw'), ('callerid', 'x')])

    read = request(fake_ari, 'GET', f'{CONFIG}/endpoint/static')
    update = put(fake_ari, 'endpoint', 'static', [('context', 'pushed')])
    delete = request(fake_ari, 'DELETE', f'{CONFIG}/endpoint/static')

    assert dict(shown(read))['context'] == 'from-file'
    assert (update.status_code, update.json()) == (403, {'message': "Cannot update sorcery objects of type 'endpoint'"})
    assert (delete.status_code, delete.json()) == (403, {'message': "Could not delete object with id 'static'"})


def test_file_object_hides_its_pushed_twin(fake_ari):
    put(fake_ari, 'endpoint', 'twin', ENDPOINT)
    fake_ari.define_file_object('endpoint', 'twin', [('context', 'from-file'), ('allow', 'ulaw'), ('callerid', 'x')])

    update = put(fake_ari, 'endpoint', 'twin', [('context', 'pushed')])

    assert update.status_code == 200
    assert fake_ari.objects()[('endpoint', 'twin')]['context'] == 'from-file'


def test_engine_wide_types_cannot_be_created(fake_ari):
    response = put(fake_ari, 'transport', 'transport-udp', [('protocol', 'udp'), ('bind', '0.0.0.0')])

    assert (response.status_code, response.json()) == (
        403,
        {'message': "Cannot create sorcery objects of type 'transport'"},
    )


def test_body_not_sent_as_json_is_ignored(fake_ari):
    put(fake_ari, 'endpoint', 'alice', ENDPOINT)
    body = json.dumps({'fields': [{'attribute': 'context', 'value': 'x'}]})

    response = request(fake_ari, 'PUT', f'{CONFIG}/endpoint/alice', data=body, headers={'Content-Type': 'text/plain'})

    assert (response.status_code, response.json()) == (
        400,
        {'message': "Fields must be provided to update object 'alice'"},
    )


def test_module_reload(fake_ari):
    put(fake_ari, 'endpoint', 'alice', ENDPOINT)
    before = request(fake_ari, 'GET', '/ari/asterisk/info').json()['status']

    reloaded = request(fake_ari, 'PUT', '/ari/asterisk/modules/res_pjsip.so')
    unknown = request(fake_ari, 'PUT', '/ari/asterisk/modules/nope.so')

    after = request(fake_ari, 'GET', '/ari/asterisk/info').json()['status']
    assert (reloaded.status_code, reloaded.content) == (204, b'')
    assert (unknown.status_code, unknown.json()) == (404, {'message': 'Module not found in running modules'})
    assert fake_ari.reloads == ['res_pjsip.so']
    assert after['startup_time'] == before['startup_time']
    assert ('endpoint', 'alice') in fake_ari.objects()  # pushed objects survive a reload


def test_restart_loses_pushed_objects_and_changes_startup_time(fake_ari):
    fake_ari.define_file_object('endpoint', 'static', [('allow', 'ulaw')])
    put(fake_ari, 'endpoint', 'alice', ENDPOINT)
    before = request(fake_ari, 'GET', '/ari/asterisk/info').json()['status']['startup_time']

    fake_ari.restart()

    after = request(fake_ari, 'GET', '/ari/asterisk/info').json()['status']['startup_time']
    assert after != before
    assert list(fake_ari.objects()) == [('endpoint', 'static')]


def test_down_refuses_connections_and_up_answers_with_state_kept(fake_ari):
    put(fake_ari, 'endpoint', 'alice', ENDPOINT)

    fake_ari.down()
    with pytest.raises(requests.ConnectionError):
        request(fake_ari, 'GET', '/ari/asterisk/info')
    fake_ari.up()

    assert request(fake_ari, 'GET', f'{CONFIG}/endpoint/alice').status_code == 200


@pytest.mark.parametrize(
    'fields',
    [
        [{'attribute': 'max_contacts', 'value': 5}],
        [{'attribute': 'max_contacts', 'value': None}],
        [{'attribute': 'remove_existing', 'value': True}],
        [{'attribute': 'max_contacts'}],
        [{'value': '1'}],
        [{'attribute': 'max_contacts', 'value': '2'}, 7],
        [None],
    ],
)
def test_non_string_attribute_or_value_crashes_asterisk(fields):
    with FakeAri(username=USER, password=PASSWORD) as fake, requests.Session() as session:
        session.auth = (USER, PASSWORD)
        put(fake, 'endpoint', 'alice', ENDPOINT)
        assert session.get(f'{fake.url}/ari/asterisk/info', timeout=5).status_code == 200

        with pytest.raises(requests.ConnectionError):
            session.put(f'{fake.url}{CONFIG}/aor/crash', json={'fields': fields}, timeout=5)

        assert len(fake.crashes) == 1
        with pytest.raises(AssertionError, match='crashed'):
            fake.assert_healthy()
        with pytest.raises(requests.ConnectionError):
            session.get(f'{fake.url}/ari/asterisk/info', timeout=5)
        fake.up()  # listening again is not coming back to life
        with pytest.raises(requests.ConnectionError):
            session.get(f'{fake.url}/ari/asterisk/info', timeout=5)
        fake.restart()
        assert session.get(f'{fake.url}/ari/asterisk/info', timeout=5).status_code == 200
        assert fake.objects() == {}


def test_request_log_and_counters(fake_ari):
    put(fake_ari, 'endpoint', 'alice', ENDPOINT)
    request(fake_ari, 'GET', f'{CONFIG}/endpoint/nope')

    assert [(entry['method'], entry['path'], entry['status']) for entry in fake_ari.request_log] == [
        ('PUT', f'{CONFIG}/endpoint/alice', 200),
        ('GET', f'{CONFIG}/endpoint/nope', 404),
    ]
    assert json.loads(fake_ari.request_log[0]['body'])['fields'][0] == {
        'attribute': 'context',
        'value': 'from-internal',
    }
    assert fake_ari.counters['requests'] == 2
    assert fake_ari.counters[('PUT', 'endpoint')] == 1


def test_latency_delays_answers(fake_ari):
    fake_ari.latency = 0.05

    response = request(fake_ari, 'GET', '/ari/asterisk/info')

    assert response.elapsed.total_seconds() >= 0.05


def test_concurrent_requests_are_all_answered(fake_ari):
    names = [f'e{i}' for i in range(40)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda name: put(fake_ari, 'endpoint', name, ENDPOINT).status_code, names))

    assert statuses == [200] * len(names)
    assert sorted(object_id for _, object_id in fake_ari.objects()) == sorted(names)


# --- the events websocket (integration_tests/asterisk/test_events_websocket.py compares it with Asterisk)


def events(fake, query='?app=watch', auth='Basic d2F6bzpzZWNyZXQ='):  # wazo:secret
    return websocket.create_connection(
        f'{fake.url.replace("http", "ws")}/ari/events{query}', header=[f'Authorization: {auth}'], timeout=5
    )


def test_events_websocket_opens_for_an_application_and_answers_pings(fake_ari):
    connection = events(fake_ari)

    connection.ping('hello')
    opcode, frame = connection.recv_data_frame(control_frame=True)

    assert connection.getstatus() == 101
    assert (opcode, frame.data) == (websocket.ABNF.OPCODE_PONG, b'hello')
    connection.close()


@pytest.mark.parametrize(
    'query, auth, status',
    [('', 'Basic d2F6bzpzZWNyZXQ=', 400), ('?app=watch', 'Basic eDp5', 401)],
    ids=['no application', 'wrong password'],
)
def test_events_websocket_refused(fake_ari, query, auth, status):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        events(fake_ari, query, auth)
    assert refused.value.status_code == status


def test_events_websocket_needs_an_upgrade_and_a_booted_asterisk(fake_ari):
    assert request(fake_ari, 'GET', '/ari/events?app=watch').status_code == 426
    assert request(fake_ari, 'POST', '/ari/events?app=watch').status_code == 405
    fake_ari.booting = True
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        events(fake_ari)
    assert refused.value.status_code == 503


def test_events_websocket_of_a_replaced_application_is_told_and_stays_open(fake_ari):
    first = events(fake_ari)
    second = events(fake_ari)

    event = json.loads(first.recv())
    first.ping()

    assert (event['type'], event['application']) == ('ApplicationReplaced', 'watch')
    assert first.recv_data_frame(control_frame=True)[0] == websocket.ABNF.OPCODE_PONG
    first.close()
    second.close()


def test_events_websocket_drops_without_a_close_frame_when_asterisk_stops(fake_ari):
    connection = events(fake_ari)

    fake_ari.restart()

    with pytest.raises(websocket.WebSocketConnectionClosedException):
        connection.recv_data_frame(control_frame=True)
    events(fake_ari).close()  # and opens again once it is back
