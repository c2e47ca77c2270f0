# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tenant matrix: MAIN (master) -> SUB -> SUB_OF_SUB, and OTHER, a child of MAIN."""
import pytest

from ..conftest import MAIN, MASTER_TOKEN, OTHER, OTHER_TOKEN, SUB, SUB_OF_SUB, SUB_TOKEN
from .helpers import (
    ENDPOINTS,
    TEMPLATES,
    create_endpoint,
    create_template,
    create_transport,
    item_path,
    missing_template,
    parents,
)


def not_found(base, item):
    resource = 'SIPEndpointTemplate' if base == TEMPLATES else 'SIPEndpoint'
    return [f"Resource Not Found - {resource} was not found ('uuid': '{item['uuid']}')"]


def template_not_found(template):
    return missing_template(template['uuid'])


@pytest.fixture
def per_tenant(api):
    """One endpoint and one template in each tenant, created by the master token through Wazo-Tenant."""
    items = {}
    for tenant, short in ((MAIN, 'main'), (SUB, 'sub'), (SUB_OF_SUB, 'subsub'), (OTHER, 'other')):
        client = api.as_(MASTER_TOKEN, tenant=tenant)
        items[tenant] = {
            ENDPOINTS: create_endpoint(client, name=f'e-{short}'),
            TEMPLATES: create_template(client, name=f't-{short}'),
        }
    return items


def names_listed(client, base, **query):
    response = client.get(base, query={'limit': 100, **query})
    assert response.status_code == 200, response.json
    return sorted(item['name'] for item in response.json['items'] if item['name'].startswith(('e-', 't-')))


def test_create_goes_to_the_token_tenant_or_the_wazo_tenant_header(api):
    assert create_endpoint(api)['tenant_uuid'] == MAIN
    assert create_endpoint(api.as_(MASTER_TOKEN, tenant=SUB))['tenant_uuid'] == SUB
    assert create_template(api.as_(SUB_TOKEN))['tenant_uuid'] == SUB
    assert create_template(api.as_(SUB_TOKEN, tenant=SUB_OF_SUB))['tenant_uuid'] == SUB_OF_SUB


def test_a_wazo_tenant_header_the_token_cannot_see_is_refused(api):
    for client in (api.as_(SUB_TOKEN, tenant=MAIN), api.as_(SUB_TOKEN, tenant=OTHER), api.as_(OTHER_TOKEN, tenant=SUB)):
        assert client.post(ENDPOINTS, json={}).status_code == 401
        assert client.get(ENDPOINTS).status_code == 401


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_lists_without_recurse_show_the_tenant_only(api, per_tenant, base):
    prefix = base == ENDPOINTS and 'e' or 't'
    assert names_listed(api, base) == [f'{prefix}-main']
    assert names_listed(api.as_(MASTER_TOKEN, tenant=SUB), base) == [f'{prefix}-sub']
    assert names_listed(api.as_(SUB_TOKEN), base, recurse='false') == [f'{prefix}-sub']


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_recursive_lists_add_the_descendants_only(api, per_tenant, base):
    prefix = base == ENDPOINTS and 'e' or 't'
    everything = sorted(f'{prefix}-{short}' for short in ('main', 'sub', 'subsub', 'other'))
    assert names_listed(api, base, recurse='true') == everything
    assert names_listed(api.as_(SUB_TOKEN), base, recurse='true') == [f'{prefix}-sub', f'{prefix}-subsub']
    assert names_listed(api.as_(MASTER_TOKEN, tenant=SUB), base, recurse='true') == [
        f'{prefix}-sub',
        f'{prefix}-subsub',
    ]
    assert names_listed(api.as_(OTHER_TOKEN), base, recurse='true') == [f'{prefix}-other']


def test_recursive_list_total_counts_every_visible_tenant(api, per_tenant):
    response = api.get(ENDPOINTS, query={'recurse': 'true', 'limit': 1})
    assert response.json['total'] == 4
    assert len(response.json['items']) == 1


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_a_parent_tenant_reads_updates_and_deletes_descendant_items(api, per_tenant, base):
    for tenant in (SUB, SUB_OF_SUB, OTHER):
        item = per_tenant[tenant][base]
        assert api.get(item_path(base, item)).json == item
        assert api.put(item_path(base, item), json={'label': 'by main'}).status_code == 204
        got = api.get(item_path(base, item)).json
        assert (got['label'], got['tenant_uuid']) == ('by main', tenant)  # an update never moves an item
    sub_item = per_tenant[SUB_OF_SUB][base]
    assert api.as_(SUB_TOKEN).delete(item_path(base, sub_item)).status_code == 204
    assert api.get(item_path(base, sub_item)).status_code == 404


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_items_of_an_ancestor_or_a_sibling_are_not_found(api, per_tenant, base):
    hidden = [
        (api.as_(SUB_TOKEN), per_tenant[MAIN][base]),
        (api.as_(SUB_TOKEN), per_tenant[OTHER][base]),
        (api.as_(SUB_TOKEN, tenant=SUB_OF_SUB), per_tenant[SUB][base]),
        (api.as_(OTHER_TOKEN), per_tenant[SUB][base]),
        (api.as_(OTHER_TOKEN), per_tenant[SUB_OF_SUB][base]),
        (api.as_(MASTER_TOKEN, tenant=SUB), per_tenant[MAIN][base]),  # the header narrows the master token
    ]
    for client, item in hidden:
        for response in (
            client.get(item_path(base, item)),
            client.get(item_path(base, item), query={'view': 'merged'}),
            client.put(item_path(base, item), json={'label': 'stolen'}),
            client.delete(item_path(base, item)),
        ):
            assert (response.status_code, response.json) == (404, not_found(base, item))
    for tenant_items in per_tenant.values():
        assert api.get(item_path(base, tenant_items[base])).json['label'] is None


def test_the_asterisk_objects_of_a_hidden_endpoint_are_not_found(api, per_tenant):
    for client, tenant in ((api.as_(SUB_TOKEN), MAIN), (api.as_(SUB_TOKEN), OTHER), (api.as_(OTHER_TOKEN), SUB)):
        endpoint = per_tenant[tenant][ENDPOINTS]
        for accept in ('application/json', 'text/plain'):
            response = client.get(f"{item_path(ENDPOINTS, endpoint)}/asterisk", headers={'Accept': accept})

            assert (response.status_code, response.json) == (404, not_found(ENDPOINTS, endpoint)), accept
    own = per_tenant[SUB][ENDPOINTS]
    assert api.as_(SUB_TOKEN).get(f"{item_path(ENDPOINTS, own)}/asterisk").status_code == 200


def test_template_uuid_list_stays_within_the_visible_tenants(api, per_tenant):
    main_template = per_tenant[MAIN][TEMPLATES]
    create_endpoint(api, name='e-main-child', templates=parents(main_template))
    assert api.as_(SUB_TOKEN).get(
        ENDPOINTS, query={'template_uuid': main_template['uuid'], 'recurse': 'true'}
    ).json == {'total': 0, 'items': []}


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_parents_of_another_tenant_are_refused_on_create(api, per_tenant, base):
    refused = [
        (api.as_(SUB_TOKEN), per_tenant[MAIN][TEMPLATES]),  # an ancestor's
        (api.as_(OTHER_TOKEN), per_tenant[SUB][TEMPLATES]),  # a sibling's
        (api, per_tenant[SUB][TEMPLATES]),  # a child tenant's, though the token can see it
        (api.as_(MASTER_TOKEN, tenant=SUB), per_tenant[SUB_OF_SUB][TEMPLATES]),
    ]
    for client, template in refused:
        response = client.post(base, json={'name': 'never', 'templates': parents(template)})
        assert (response.status_code, response.json) == (400, template_not_found(template))
    assert api.get(ENDPOINTS, query={'name': 'never', 'recurse': 'true'}).json['total'] == 0
    assert api.get(TEMPLATES, query={'name': 'never', 'recurse': 'true'}).json['total'] == 0


@pytest.mark.parametrize('base', [ENDPOINTS, TEMPLATES])
def test_parents_of_another_tenant_are_refused_on_update(api, per_tenant, base):
    refused = [
        (per_tenant[SUB][base], per_tenant[MAIN][TEMPLATES]),  # the parent tenant's
        (per_tenant[MAIN][base], per_tenant[SUB][TEMPLATES]),  # a child tenant's
        (per_tenant[SUB][base], per_tenant[SUB_OF_SUB][TEMPLATES]),
        (per_tenant[SUB][base], per_tenant[OTHER][TEMPLATES]),
    ]
    for item, template in refused:
        # The master token sees both items: the item's own tenant is what counts.
        response = api.put(item_path(base, item), json={'templates': parents(template)})
        assert (response.status_code, response.json) == (400, template_not_found(template))
        assert api.get(item_path(base, item)).json['templates'] == []


def test_a_parent_tenant_may_set_parents_of_the_items_own_tenant(api, per_tenant):
    endpoint, template = per_tenant[SUB][ENDPOINTS], per_tenant[SUB][TEMPLATES]
    assert api.put(item_path(ENDPOINTS, endpoint), json={'templates': parents(template)}).status_code == 204
    assert api.get(item_path(ENDPOINTS, endpoint)).json['templates'] == [{'uuid': template['uuid'], 'label': None}]


def test_transports_are_shared_by_every_tenant(api):
    transport = create_transport(api, 'transport-udp')
    body = create_endpoint(api.as_(OTHER_TOKEN), transport={'uuid': transport['uuid']})
    assert body['transport'] == {'uuid': transport['uuid']}
