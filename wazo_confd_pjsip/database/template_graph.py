# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Queries over the inheritance graph (endpoint_sip_parent), shared by the API and the apply side.

Recursive queries use UNION (not UNION ALL): they stop on diamonds and on loops.
"""
import sqlalchemy as sa

from .models import EndpointSIP, EndpointSIPParent

_links = EndpointSIPParent.__table__


def _in(uuids):
    """`IN` operand: a subquery as it is, any other collection as a list."""
    return uuids if isinstance(uuids, sa.sql.Select) else list(uuids)


def ancestor_uuids(child_uuids):
    """A selectable (column `uuid`) of every template the given nodes inherit from, directly or not."""
    anchor = sa.select(_links.c.parent_uuid.label('uuid')).where(_links.c.child_uuid.in_(_in(child_uuids)))
    found = anchor.cte('ancestors', recursive=True)
    return found.union(sa.select(_links.c.parent_uuid).join(found, _links.c.child_uuid == found.c.uuid))


def descendant_uuids(template_uuids):
    """A selectable (column `uuid`) of everything inheriting from the given templates (uuids or a subquery)."""
    anchor = sa.select(_links.c.child_uuid.label('uuid')).where(_links.c.parent_uuid.in_(_in(template_uuids)))
    found = anchor.cte('descendants', recursive=True)
    return found.union(sa.select(_links.c.child_uuid).join(found, _links.c.parent_uuid == found.c.uuid))


def ancestor_rows(session, child_uuids):
    if not child_uuids:
        return []
    found = sa.select(ancestor_uuids(child_uuids).c.uuid).scalar_subquery()
    # = ANY(ARRAY(...)): a primary key lookup per ancestor; `IN (SELECT ...)` is planned as a scan of every row.
    return list(
        session.execute(sa.select(EndpointSIP).where(EndpointSIP.uuid == sa.any_(sa.func.array(found)))).scalars()
    )


def parent_uuids_of(session, uuids):
    """uuid → its parents' uuids, in order (absent: no parent)."""
    parents = {}
    if not uuids:
        return parents
    query = (
        sa.select(_links.c.child_uuid, _links.c.parent_uuid)
        .where(_links.c.child_uuid.in_(list(uuids)))
        .order_by(_links.c.child_uuid, _links.c.position)
    )
    for child_uuid, parent_uuid in session.execute(query):
        parents.setdefault(child_uuid, []).append(parent_uuid)
    return parents
