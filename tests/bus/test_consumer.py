import json

import kombu
import pytest

from wazo_confd_pjsip.bus.consumer import decode_event, event_bindings


def test_bindings_match_each_event_name_exactly():
    exchange = kombu.Exchange('wazo-headers', type='headers')

    bindings = event_bindings(exchange, ['auth_tenant_added', 'auth_tenant_deleted'])

    assert [(binding.exchange.name, binding.arguments) for binding in bindings] == [
        ('wazo-headers', {'name': 'auth_tenant_added', 'x-match': 'all'}),
        ('wazo-headers', {'name': 'auth_tenant_deleted', 'x-match': 'all'}),
    ]


def test_decodes_a_full_wazo_auth_event():
    body = {
        'name': 'auth_tenant_added',
        'origin_uuid': 'o',
        'timestamp': '2024-01-01T00:00:00',
        'required_access': 'event.auth_tenant_added',
        'required_acl': 'events.auth.tenants.created',
        'data': {'uuid': 't1', 'name': 'acme', 'slug': 'acme', 'domain_names': []},
    }

    assert decode_event(json.dumps(body).encode(), {'name': 'auth_tenant_added'}) == (
        'auth_tenant_added',
        {'uuid': 't1', 'name': 'acme', 'slug': 'acme', 'domain_names': []},
    )


def test_decodes_a_minimal_body():
    assert decode_event(b'{"name": "auth_tenant_deleted", "data": {"uuid": "t1"}}', {}) == (
        'auth_tenant_deleted',
        {'uuid': 't1'},
    )


def test_name_falls_back_on_the_header():
    assert decode_event(b'{"data": {"uuid": "t1"}}', {'name': 'auth_tenant_deleted'}) == (
        'auth_tenant_deleted',
        {'uuid': 't1'},
    )


@pytest.mark.parametrize('body', [b'not json', b'{"name": "auth_tenant_added"}'])
def test_malformed_bodies_are_refused(body):
    with pytest.raises((ValueError, KeyError)):
        decode_event(body, {})
