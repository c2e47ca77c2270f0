# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Queries on the change history: newest first, and the background pruning."""
import dataclasses
import datetime

import sqlalchemy as sa

from ...database.models import ChangeHistory

_table = ChangeHistory.__table__


@dataclasses.dataclass(frozen=True)
class HistoryQuery:
    """Which records: each criterion given narrows the list."""

    tenant_uuids: list[str] | None = None  # None: any tenant's
    engine_wide: bool = False  # with tenant_uuids: the records of no tenant too (transports, [global]...)
    resources: tuple[str, ...] = ()
    resource_uuid: str | None = None
    user_uuid: str | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    change_set_uuid: str | None = None


def _conditions(query):
    conditions = []
    if query.tenant_uuids is not None:
        scope = _table.c.tenant_uuid.in_(query.tenant_uuids)
        conditions.append(sa.or_(scope, _table.c.tenant_uuid.is_(None)) if query.engine_wide else scope)
    if query.resources:
        conditions.append(_table.c.resource.in_(query.resources))
    if query.resource_uuid is not None:
        conditions.append(_table.c.resource_uuid == query.resource_uuid)
    if query.user_uuid is not None:
        conditions.append(_table.c.user_uuid == query.user_uuid)
    if query.since is not None:
        conditions.append(_table.c.recorded_at >= query.since)
    if query.until is not None:
        conditions.append(_table.c.recorded_at < query.until)
    if query.change_set_uuid is not None:
        conditions.append(_table.c.change_set_uuid == query.change_set_uuid)
    return conditions


def search(session, query, limit=None, offset=0):
    """(total, rows) of the records the query selects, newest first."""
    conditions = _conditions(query)
    total = session.execute(sa.select(sa.func.count()).select_from(_table).where(*conditions)).scalar_one()
    select = sa.select(_table).where(*conditions).order_by(_table.c.id.desc()).offset(offset)
    if limit is not None:
        select = select.limit(limit)
    return total, list(session.execute(select))


def change_set(session, change_set_uuid):
    """The records of a change set, in the order they were made."""
    select = sa.select(_table).where(_table.c.change_set_uuid == change_set_uuid).order_by(_table.c.id)
    return list(session.execute(select))


def find(session, change_uuid):
    return session.execute(sa.select(_table).where(_table.c.change_uuid == change_uuid)).first()


def prune_older(connection, days, batch):
    """Delete up to `batch` records older than `days`; returns how many. SKIP LOCKED: two pruners
    never wait for each other, and writers only ever insert."""
    doomed = (
        sa.select(_table.c.id)
        .where(_table.c.recorded_at < sa.func.now() - datetime.timedelta(days=days))
        .order_by(_table.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return connection.execute(sa.delete(_table).where(_table.c.id.in_(doomed.scalar_subquery()))).rowcount


def prune_beyond(connection, keep, batch):
    """Delete up to `batch` records beyond the newest `keep` of each resource; returns how many."""
    rank = sa.func.row_number().over(
        partition_by=(_table.c.resource, _table.c.resource_uuid), order_by=_table.c.id.desc()
    )
    ranked = sa.select(_table.c.id, rank.label('rank')).subquery()
    doomed = sa.select(ranked.c.id).where(ranked.c.rank > keep).limit(batch)
    return connection.execute(sa.delete(_table).where(_table.c.id.in_(doomed.scalar_subquery()))).rowcount
