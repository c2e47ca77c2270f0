# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Queries on endpoints and templates (one table, told apart by `template`)."""
import sqlalchemy as sa

from ... import names
from ...database import listing, template_graph
from ...database.models import EndpointSIP, EndpointSIPParent, Tenant
from ...database.search import like_pattern, normalize_search_text

SORTABLE = ('name', 'label', 'uuid', 'asterisk_id', 'tenant_uuid')
FILTERABLE = ('name', 'label', 'asterisk_id')


def insert(
    session,
    *,
    tenant_uuid,
    template,
    name,
    label,
    options,
    parent_uuids=(),
    asterisk_id=None,
    transport_uuid=None,
    uuid=None,
):
    """A new endpoint or template and its parent links; its name must already be claimed (names.py).
    uuid: None for a new one."""
    row = EndpointSIP(
        tenant_uuid=tenant_uuid,
        template=template,
        name=name,
        label=label,
        asterisk_id=asterisk_id,
        transport_uuid=transport_uuid,
        options=options,
        search_text=search_text(name, label, asterisk_id),
    )
    if uuid is not None:
        row.uuid = uuid
    session.add(row)
    session.flush()
    set_parents(session, row.uuid, list(parent_uuids))
    return row


def search_text(name, label, asterisk_id):
    """What `search=` matches, as wazo-confd: the name, the label and the asterisk_id."""
    return normalize_search_text(name, label, asterisk_id)


def delete(session, rows):
    """Delete the rows and release their names. Templates go one by one in the given order, so that
    children listed before their parents never trip endpoint_sip_parent's RESTRICT."""
    endpoints = [row.uuid for row in rows if not row.template]
    batches = ([endpoints] if endpoints else []) + [[row.uuid] for row in rows if row.template]
    for uuids in batches:
        session.execute(
            sa.delete(EndpointSIP).where(EndpointSIP.uuid.in_(uuids)).execution_options(synchronize_session=False)
        )
    names.release_all(session, [row.name for row in rows])


def tenant_rows(session, tenant_uuid):
    """Every endpoint and template of the tenant, locked for update."""
    query = sa.select(EndpointSIP).where(EndpointSIP.tenant_uuid == tenant_uuid).order_by(EndpointSIP.name)
    return list(session.execute(query.with_for_update()).scalars())


def find(session, uuid, template, lock=False):
    query = sa.select(EndpointSIP).where(EndpointSIP.uuid == uuid, EndpointSIP.template.is_(template))
    if lock:
        # populate_existing: a row read earlier in the transaction is refreshed once locked.
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.execute(query).scalar_one_or_none()


def named(session, tenant_uuid, candidate_names):
    """(name, uuid, template) of the tenant's endpoints and templates among the names."""
    query = sa.select(EndpointSIP.name, EndpointSIP.uuid, EndpointSIP.template).where(
        EndpointSIP.tenant_uuid == tenant_uuid, EndpointSIP.name.in_(candidate_names)
    )
    return session.execute(query).all()


def associated_with(session, attribute, owner_id):
    """The endpoint of a wazo-confd line or trunk (attribute: 'line_id', 'trunk_id'), or None."""
    query = sa.select(EndpointSIP).where(getattr(EndpointSIP, attribute) == owner_id)
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


def direct_children(session, template_uuid):
    query = (
        sa.select(EndpointSIP.uuid, EndpointSIP.name, EndpointSIP.template)
        .join(EndpointSIPParent, EndpointSIPParent.child_uuid == EndpointSIP.uuid)
        .where(EndpointSIPParent.parent_uuid == template_uuid)
        .order_by(EndpointSIP.name)
    )
    return session.execute(query).all()


def tenant_template_parents(session, tenant_uuid):
    """parent adjacency (uuid → parent uuids) of a tenant's templates: for loop checks.

    The links are read by primary key from the array of the templates' uuids: with a join, the
    planner scans every endpoint's links, and each creation of an import costs more than the last.
    """
    templates = sa.select(EndpointSIP.uuid).where(
        EndpointSIP.tenant_uuid == tenant_uuid, EndpointSIP.template.is_(True)
    )
    query = (
        sa.select(EndpointSIPParent.child_uuid, EndpointSIPParent.parent_uuid)
        .where(EndpointSIPParent.child_uuid == sa.any_(sa.func.array(templates.scalar_subquery())))
        .order_by(EndpointSIPParent.child_uuid, EndpointSIPParent.position)
    )
    graph = {}
    for child_uuid, parent_uuid in session.execute(query):
        graph.setdefault(child_uuid, []).append(parent_uuid)
    return graph


def a_transport_user(session, transport_uuid):
    """The uuid of one endpoint or template set on the transport, or None."""
    users = sa.select(EndpointSIP.uuid).where(EndpointSIP.transport_uuid == transport_uuid)
    return session.execute(users.limit(1)).scalar()


def move_transport_users(session, transport_uuid, to_uuid):
    session.execute(
        sa.update(EndpointSIP).where(EndpointSIP.transport_uuid == transport_uuid).values(transport_uuid=to_uuid)
    )


def search(session, template, tenant_uuids, params, template_uuid=None):
    query = sa.select(EndpointSIP).where(EndpointSIP.template.is_(template), EndpointSIP.tenant_uuid.in_(tenant_uuids))
    if template_uuid is not None:
        found = template_graph.descendant_uuids([template_uuid])
        query = query.where(EndpointSIP.uuid.in_(sa.select(found.c.uuid)))
    return listing.page(
        session, query, EndpointSIP, params, lambda term: EndpointSIP.search_text.like(like_pattern(term))
    )


# The tables each endpoint creation queries.
ANALYZED_TABLES = ('endpoint_sip', 'endpoint_sip_parent', 'pjsip_object_name')


def refresh_statistics(session):
    """Statistics that count this transaction's own rows, which no other session sees before the commit.

    Without them the planner takes the tables for as small as the statistics say (empty, after a
    rolled-back dry run) and the queries of each creation end up scanning every row created so
    far: an import of 10,000 peers then takes hours instead of seconds. The lock ANALYZE takes
    (until the commit) only excludes other ANALYZE and VACUUM runs on these tables.
    """
    session.execute(sa.text(f"ANALYZE {', '.join(ANALYZED_TABLES)}"))
