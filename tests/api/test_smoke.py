# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .conftest import MAIN


def test_create_and_get_endpoint(api):
    response = api.post('/endpoints/sip', json={'name': 'alice', 'endpoint_section_options': [['context', 'default']]})
    assert response.status_code == 201, response.json
    body = response.json
    assert list(body) == [
        'uuid',
        'tenant_uuid',
        'name',
        'label',
        'aor_section_options',
        'auth_section_options',
        'endpoint_section_options',
        'identify_section_options',
        'registration_section_options',
        'registration_outbound_auth_section_options',
        'outbound_auth_section_options',
        'templates',
        'transport',
        'asterisk_id',
        'links',
        'trunk',
        'line',
    ]
    assert body['tenant_uuid'] == MAIN
    assert response.headers['Location'].endswith(f'/1.1/endpoints/sip/{body["uuid"]}')
    got = api.get(f'/endpoints/sip/{body["uuid"]}')
    assert got.status_code == 200
    assert got.json == body


def test_transport_and_global(api):
    response = api.post(
        '/sip/transports', json={'name': 'transport-udp', 'options': [['protocol', 'udp'], ['bind', '[::]:5060']]}
    )
    assert response.status_code == 201, response.json
    assert api.get('/asterisk/pjsip/global').json == {
        'options': {'user_agent': 'Wazo PBX', 'endpoint_identifier_order': 'auth_username,username,ip'}
    }
    assert api.put('/asterisk/pjsip/global', json={'options': {'max_forwards': '5'}}).status_code == 204
    assert api.get('/asterisk/pjsip/global').json == {'options': {'max_forwards': '5'}}
    assert api.get('/status').status_code == 200
    assert api.get('/asterisk/pjsip/doc').status_code == 200
    assert api.get('/api/api.yml').status_code == 200


def test_templates_defaults(api):
    api.announce_tenant()
    listed = api.get('/endpoints/sip/templates').json
    assert sorted(item['label'] for item in listed['items']) == [
        'global',
        'meeting_guest',
        'registration_trunk',
        'webrtc',
    ]
    webrtc = next(item for item in listed['items'] if item['label'] == 'webrtc')
    merged = api.get(f'/endpoints/sip/templates/{webrtc["uuid"]}', query={'view': 'merged'})
    assert merged.status_code == 200, merged.json
    assert ['max_contacts', '10'] in merged.json['aor_section_options']
