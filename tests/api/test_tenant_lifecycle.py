# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tenants added and removed (what the bus consumer calls), on the real database."""
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from wazo_confd_pjsip.database.models import ApplyOutbox, EngineObject
from wazo_confd_pjsip.plugins.endpoint_sip.tenants import TemplateLoop, Tenants, children_first

from .conftest import MAIN, SUB, SUB_TOKEN
from .endpoint_sip.conftest import delivered  # noqa: F401 (a fixture)
from .endpoint_sip.helpers import DEFAULT_LABELS, create_endpoint, create_template, default_templates, parents

NEW_TENANT = 'aaaaaaaa-0000-4000-8000-000000000001'


@pytest.fixture
def lifecycle(core):
    return core.services.tenants


def scalars(database, query):
    with database.engine.connect() as connection:
        return list(connection.execute(query).scalars())


def tenant_rows(database, tenant_uuid):
    query = sa.text('SELECT uuid::text FROM endpoint_sip WHERE tenant_uuid = :t').bindparams(t=tenant_uuid)
    return scalars(database, query)


def taken_names(database):
    return set(scalars(database, sa.text('SELECT name FROM pjsip_object_name')))


def known_tenants(database):
    return set(scalars(database, sa.text('SELECT uuid::text FROM tenant')))


@pytest.fixture
def sub_tenant(api):
    """SUB with its defaults, a chain of templates (a ← b ← c, b also ← global) and three endpoints."""
    sub = api.as_(SUB_TOKEN)
    defaults = default_templates(sub)
    a = create_template(sub, label='a')
    b = create_template(sub, label='b', templates=parents(a, defaults['global']))
    c = create_template(sub, label='c', templates=parents(b))
    endpoints = [
        create_endpoint(sub, label='on-c', templates=parents(c), auth_section_options=[['username', 'bob']]),
        create_endpoint(sub, label='on-meeting-guest', templates=parents(defaults['meeting_guest'])),
        create_endpoint(sub, label='alone'),
    ]
    templates = [*defaults.values(), a, b, c]
    return endpoints, templates


def test_remove_deletes_the_endpoints_templates_names_and_tenant(api, lifecycle, database, sub_tenant, delivered):
    endpoints, templates = sub_tenant
    create_endpoint(api, label='main stays')
    main_rows = tenant_rows(database, MAIN)
    delivered.clear()

    lifecycle.remove(SUB)

    assert tenant_rows(database, SUB) == []
    assert SUB not in known_tenants(database)
    assert not {item['name'] for item in endpoints + templates} & taken_names(database)
    assert sorted(tenant_rows(database, MAIN)) == sorted(main_rows)
    assert MAIN in known_tenants(database)
    changes = delivered.changes
    assert [(change.resource, change.action, change.tenant_uuid) for change in changes] == [
        ('sip_endpoint', 'deleted', SUB)
    ] * 3 + [('sip_endpoint_template', 'deleted', SUB)] * 7
    assert {change.uuid for change in changes[:3]} == {item['uuid'] for item in endpoints}
    assert {change.uuid for change in changes[3:]} == {item['uuid'] for item in templates}


def test_templates_are_removed_children_first(api, lifecycle, sub_tenant, delivered):
    _, templates = sub_tenant
    by_label = {template['label']: template['uuid'] for template in templates}
    delivered.clear()

    lifecycle.remove(SUB)

    order = [change.uuid for change in delivered.changes if change.resource == 'sip_endpoint_template']
    for child, parent in [
        ('c', 'b'), ('b', 'a'), ('b', 'global'), ('webrtc', 'global'),
        ('meeting_guest', 'webrtc'), ('registration_trunk', 'global'),
    ]:  # fmt: skip
        assert order.index(by_label[child]) < order.index(by_label[parent]), (child, parent)


def test_removed_items_carry_their_event_summary(api, lifecycle, sub_tenant, delivered):
    endpoints, templates = sub_tenant
    delivered.clear()

    lifecycle.remove(SUB)

    summaries = {change.uuid: change.data for change in delivered.changes}
    on_c = endpoints[0]
    assert summaries[on_c['uuid']] == {
        'uuid': on_c['uuid'],
        'tenant_uuid': SUB,
        'name': on_c['name'],
        'label': 'on-c',
        'auth_section_options': [['username', 'bob']],
        'registration_section_options': [],
        'trunk': None,
        'line': None,
    }
    template = templates[0]
    assert summaries[template['uuid']] == {
        'uuid': template['uuid'],
        'tenant_uuid': SUB,
        'name': template['name'],
        'label': template['label'],
    }


def test_endpoints_held_by_asterisk_are_queued_for_removal(lifecycle, database, sub_tenant):
    endpoints, _ = sub_tenant
    held = endpoints[0]
    with database.engine.begin() as connection:
        connection.execute(
            sa.insert(EngineObject).values(
                engine='default', object_type='endpoint', object_id=held['name'], owner_uuid=held['uuid'], fields={}
            )
        )
        last_id = connection.execute(sa.select(sa.func.coalesce(sa.func.max(ApplyOutbox.id), 0))).scalar()

    lifecycle.remove(SUB)

    queued = scalars(database, sa.select(ApplyOutbox.owner_uuid).where(ApplyOutbox.id > last_id))
    assert held['uuid'] in queued


def test_freed_names_can_be_used_again(api, lifecycle, sub_tenant):
    endpoints, _ = sub_tenant

    lifecycle.remove(SUB)

    assert create_endpoint(api, name=endpoints[0]['name'], label='reused')['name'] == endpoints[0]['name']


def test_a_removed_tenant_seen_again_gets_new_defaults(api, lifecycle, sub_tenant):
    _, templates = sub_tenant

    lifecycle.remove(SUB)

    again = default_templates(api.as_(SUB_TOKEN))
    assert sorted(again) == sorted(DEFAULT_LABELS)
    assert not {item['uuid'] for item in again.values()} & {item['uuid'] for item in templates}


def test_removing_an_unknown_tenant_changes_nothing(api, lifecycle, database, delivered):
    create_endpoint(api, label='main')
    before = tenant_rows(database, MAIN)
    delivered.clear()

    lifecycle.remove(NEW_TENANT)

    assert delivered.changes == []
    assert tenant_rows(database, MAIN) == before


def test_add_creates_the_tenant_and_its_defaults_once(lifecycle, database, delivered):
    lifecycle.add(NEW_TENANT)
    lifecycle.add(NEW_TENANT)

    assert NEW_TENANT in known_tenants(database)
    labels = scalars(
        database, sa.text('SELECT label FROM endpoint_sip WHERE tenant_uuid = :t AND template').bindparams(t=NEW_TENANT)
    )
    assert sorted(labels) == sorted(DEFAULT_LABELS)
    assert [(change.resource, change.action) for change in delivered.changes] == [
        ('sip_endpoint_template', 'created')
    ] * 4


def test_add_of_a_tenant_already_there_adds_nothing(api, core, delivered):
    api.announce_tenant()  # MAIN recorded: defaults made
    delivered.clear()
    lifecycle = Tenants(core.db)  # nothing known yet, as after a restart

    lifecycle.add(MAIN)

    assert delivered.changes == []


# --- the removal order, without a database


@st.composite
def template_forests(draw):
    """uuid → parents: a parent always has a smaller index, so there is no loop."""
    count = draw(st.integers(0, 12))
    uuids = [f't{index}' for index in range(count)]
    graph = {
        uuid: draw(st.lists(st.sampled_from(uuids[:index]), unique=True, max_size=3)) if index else []
        for index, uuid in enumerate(uuids)
    }
    return draw(st.permutations(uuids)), graph


@given(template_forests())
def test_children_first_puts_every_template_before_its_parents(forest):
    uuids, graph = forest

    order = children_first(uuids, graph)

    assert sorted(order) == sorted(uuids)
    for child, parent_uuids in graph.items():
        for parent in parent_uuids:
            assert order.index(child) < order.index(parent)


def test_children_first_ignores_parents_outside_the_set():
    assert children_first(['b'], {'b': ['elsewhere']}) == ['b']


def test_children_first_refuses_a_loop():
    with pytest.raises(TemplateLoop):
        children_first(['a', 'b', 'c'], {'a': ['b'], 'b': ['a'], 'c': []})
