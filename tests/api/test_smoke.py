from .conftest import MAIN, SUB


def test_create_and_get_endpoint(api):
    response = api.post('/endpoints/sip', json={'name': 'alice', 'endpoint_section_options': [['context', 'default']]})
    assert response.status_code == 201, response.json
    body = response.json
    assert list(body) == [
        'uuid', 'tenant_uuid', 'name', 'label', 'aor_section_options', 'auth_section_options',
        'endpoint_section_options', 'identify_section_options', 'registration_section_options',
        'registration_outbound_auth_section_options', 'outbound_auth_section_options', 'templates',
        'transport', 'asterisk_id', 'links', 'trunk', 'line',
    ]
    assert body['tenant_uuid'] == MAIN
    assert response.headers['Location'].endswith(f'/1.1/endpoints/sip/{body["uuid"]}')
    got = api.get(f'/endpoints/sip/{body["uuid"]}')
    assert got.status_code == 200
    assert got.json == body
