# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Queries on endpoints and templates (one table, told apart by `template`)."""
import sqlalchemy as sa

from ...database import template_graph
from ...database.models import EndpointSIP, EndpointSIPParent, SIPTransport, Tenant
from ...http.search import like_pattern
from ...inheritance import ConfigNode

SORTABLE = ('name', 'label', 'uuid', 'asterisk_id', 'tenant_uuid')
FILTERABLE = ('name', 'label', 'asterisk_id')


def find(session, uuid, template, lock=False):
    query = sa.select(EndpointSIP).where(EndpointSIP.uuid == uuid, EndpointSIP.template.is_(template))
    if lock:
        # populate_existing: a row read earlier in the transaction is refreshed once locked.
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.execute(query).scalar_one_or_none()


def find_templates(session, uuids):
    """Templates by uuid, share-locked: a template being deleted is waited for, then not found."""
    query = (
        sa.select(EndpointSIP)
        .where(EndpointSIP.uuid.in_(uuids), EndpointSIP.template.is_(True))
        .with_for_update(read=True, key_share=True)
    )
    return {row.uuid: row for row in session.execute(query).scalars()}


def lock_template_graph(session, tenant_uuid):
    """Serialise changes of a tenant's template parents, whose loop checks read the whole graph.

    FOR NO KEY UPDATE of the tenant row: it does not block the key-share locks that inserting
    the tenant's endpoints takes on it.
    """
    session.execute(sa.select(Tenant.uuid).where(Tenant.uuid == tenant_uuid).with_for_update(key_share=True))


def parents_of(session, uuids):
    """uuid → [(parent uuid, parent label)] in order."""
    result = {uuid: [] for uuid in uuids}
    if not uuids:
        return result
    query = (
        sa.select(EndpointSIPParent.child_uuid, EndpointSIPParent.parent_uuid, EndpointSIP.label)
        .join(EndpointSIP, EndpointSIP.uuid == EndpointSIPParent.parent_uuid)
        .where(EndpointSIPParent.child_uuid.in_(list(uuids)))
        .order_by(EndpointSIPParent.child_uuid, EndpointSIPParent.position)
    )
    for child_uuid, parent_uuid, label in session.execute(query):
        result[child_uuid].append((parent_uuid, label))
    return result


def set_parents(session, child_uuid, parent_uuids):
    session.execute(sa.delete(EndpointSIPParent).where(EndpointSIPParent.child_uuid == child_uuid))
    if parent_uuids:
        session.execute(
            sa.insert(EndpointSIPParent),
            [
                {'child_uuid': child_uuid, 'parent_uuid': parent_uuid, 'position': position}
                for position, parent_uuid in enumerate(parent_uuids)
            ],
        )


def ancestor_nodes(session, uuids):
    """Every template the given nodes inherit from, directly or not, as ConfigNodes by uuid."""
    rows = template_graph.ancestor_rows(session, uuids)
    parents = template_graph.parent_uuids_of(session, [row.uuid for row in rows])
    return {row.uuid: to_node(row, parents.get(row.uuid, ())) for row in rows}


def direct_children(session, template_uuid):
    query = (
        sa.select(EndpointSIP.uuid, EndpointSIP.name, EndpointSIP.template)
        .join(EndpointSIPParent, EndpointSIPParent.child_uuid == EndpointSIP.uuid)
        .where(EndpointSIPParent.parent_uuid == template_uuid)
        .order_by(EndpointSIP.name)
    )
    return session.execute(query).all()


def tenant_template_parents(session, tenant_uuid):
    """parent adjacency (uuid → parent uuids) of a tenant's templates: for loop checks."""
    query = (
        sa.select(EndpointSIPParent.child_uuid, EndpointSIPParent.parent_uuid)
        .join(EndpointSIP, EndpointSIP.uuid == EndpointSIPParent.child_uuid)
        .where(EndpointSIP.tenant_uuid == tenant_uuid, EndpointSIP.template.is_(True))
        .order_by(EndpointSIPParent.child_uuid, EndpointSIPParent.position)
    )
    graph = {}
    for child_uuid, parent_uuid in session.execute(query):
        graph.setdefault(child_uuid, []).append(parent_uuid)
    return graph


def transport_exists(session, uuid):
    """Whether the transport exists, key-share-locked until commit: a delete of it waits for the
    endpoint written with it, or, already under way, is waited for and the transport is then not found.

    FOR KEY SHARE (read=True with key_share=True; key_share alone is FOR NO KEY UPDATE): the
    foreign key's own lock, so concurrent endpoints of one transport do not wait for each other.
    """
    query = sa.select(SIPTransport.uuid).where(SIPTransport.uuid == uuid).with_for_update(read=True, key_share=True)
    return session.execute(query).first() is not None


def transport_named(session, name):
    return session.execute(sa.select(SIPTransport.uuid).where(SIPTransport.name == name)).scalar()


def search(session, template, tenant_uuids, params, template_uuid=None):
    query = sa.select(EndpointSIP).where(EndpointSIP.template.is_(template), EndpointSIP.tenant_uuid.in_(tenant_uuids))
    if params.search:
        query = query.where(EndpointSIP.search_text.like(like_pattern(params.search)))
    for name, value in params.filters.items():
        query = query.where(getattr(EndpointSIP, name) == value)
    if params.uuids is not None:
        query = query.where(EndpointSIP.uuid.in_(params.uuids))
    if template_uuid is not None:
        found = template_graph.descendant_uuids([template_uuid])
        query = query.where(EndpointSIP.uuid.in_(sa.select(found.c.uuid)))
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    column = getattr(EndpointSIP, params.order)
    ordering = column.desc() if params.direction == 'desc' else column.asc()
    query = query.order_by(ordering, EndpointSIP.uuid).offset(params.offset).limit(params.limit)
    return total, list(session.execute(query).scalars())


def to_node(row, parent_uuids, sections=None, transport_uuid=...):
    return ConfigNode(
        uuid=row.uuid,
        sections=sections if sections is not None else row.options,
        parents=tuple(parent_uuids),
        transport_uuid=row.transport_uuid if transport_uuid is ... else transport_uuid,
    )
