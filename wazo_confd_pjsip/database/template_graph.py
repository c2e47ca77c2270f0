# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Queries over the inheritance graph (endpoint_sip_parent), shared by the API and the apply side.

Recursive queries use UNION (not UNION ALL): they stop on diamonds and on loops.
"""
import dataclasses
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from .models import EndpointSIP, EndpointSIPParent

_links = EndpointSIPParent.__table__


def _in(uuids):
    """`IN` operand: a subquery or a bound parameter as it is, any other collection as a list."""
    return uuids if isinstance(uuids, sa.sql.ClauseElement) else list(uuids)


def ancestor_uuids(child_uuids):
    """A selectable (column `uuid`) of every template the given nodes inherit from, directly or not."""
    anchor = sa.select(_links.c.parent_uuid.label('uuid')).where(_links.c.child_uuid.in_(_in(child_uuids)))
    found = anchor.cte('ancestors', recursive=True)
    # A lookup of each ancestor's parents (OFFSET 0 keeps the subquery from being flattened): as a
    # join, the step is planned as a scan of every link per level until the table is analyzed.
    parents = sa.select(_links.c.parent_uuid).where(_links.c.child_uuid == found.c.uuid).offset(0).lateral('parents')
    return found.union(sa.select(parents.c.parent_uuid).select_from(found.join(parents, sa.true())))


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


@dataclasses.dataclass(frozen=True)
class Lineage:
    """Some rows and every template they inherit from, each with its parents in order."""

    rows: Mapping[str, EndpointSIP]  # uuid → row, the given ones and their ancestors
    parents: Mapping[str, tuple[str, ...]]


def _lineage_statement():
    uuids = sa.bindparam('uuids', expanding=True)
    ancestors = sa.select(ancestor_uuids(uuids).c.uuid).scalar_subquery()
    parents = (
        sa.select(_links.c.parent_uuid)
        .where(_links.c.child_uuid == EndpointSIP.uuid)
        .order_by(_links.c.position)
        .scalar_subquery()
    )
    parents_array = sa.func.array(parents, type_=ARRAY(UUID(as_uuid=False))).label('parents')
    # = ANY(ARRAY(...)): a primary key lookup per ancestor; `IN (SELECT ...)` is planned as a scan of every row.
    found = sa.or_(EndpointSIP.uuid.in_(uuids), EndpointSIP.uuid == sa.any_(sa.func.array(ancestors)))
    return sa.select(EndpointSIP, parents_array).where(found)


# Built once: on the way of every change pushed, where building and keying a statement costs more than running it.
_LINEAGE = _lineage_statement()


def lineage(session, uuids):
    """The rows of `uuids` and of every template they inherit from, with their parents: one statement."""
    if not uuids:
        return Lineage({}, {})
    rows, parents = {}, {}
    for row, row_parents in session.execute(_LINEAGE, {'uuids': list(uuids)}):
        rows[row.uuid] = row
        parents[row.uuid] = tuple(row_parents)
    return Lineage(rows, parents)


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
