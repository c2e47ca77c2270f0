# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The outbox: the transaction that changes configuration also records what must reach Asterisk.

A PostgreSQL NOTIFY, sent in the same transaction, is delivered only on commit: the worker wakes
up exactly when there is committed work, and never for a rolled-back change.
"""
import sqlalchemy as sa

from ..database import template_graph
from ..database.models import ApplyOutbox, EndpointSIP
from ..database.session import Resource
from ..engine_ids import DEFAULT_ENGINE, engine_of

NOTIFY_CHANNEL = 'wazo_confd_pjsip_apply'

KIND_ENDPOINT = 'endpoint'
KIND_SECTIONS = 'sections'
KIND_RESYNC = 'resync'

ENGINE_WIDE_RESOURCES = frozenset({Resource.SIP_TRANSPORT, Resource.PJSIP_GLOBAL, Resource.PJSIP_SYSTEM})
# changes of what a line or trunk adds to one endpoint, or whether it is used (engines that push only used ones)
ENDPOINT_RESOURCES = frozenset(
    {
        Resource.SIP_ENDPOINT,
        Resource.LINE_ENDPOINT_SIP,
        Resource.TRUNK_ENDPOINT_SIP,
        Resource.SIP_ENDPOINT_WAZO_OPTIONS,
    }
)


def _descendant_endpoints(template_uuids):
    found = template_graph.descendant_uuids(template_uuids)
    return sa.select(EndpointSIP.uuid).where(
        EndpointSIP.uuid.in_(sa.select(found.c.uuid)), EndpointSIP.template.is_(False)
    )


def _transport_users(transport_uuids):
    """Endpoints whose effective transport may be one of these: their own, or through a template."""
    direct = sa.select(EndpointSIP.uuid).where(EndpointSIP.transport_uuid.in_(transport_uuids))
    templates = sa.select(EndpointSIP.uuid).where(
        EndpointSIP.transport_uuid.in_(transport_uuids), EndpointSIP.template.is_(True)
    )
    return sa.union(direct.where(EndpointSIP.template.is_(False)), _descendant_endpoints(templates))


class OutboxRecorder:
    """A before-commit hook of the Database: turns the unit of work's changes into outbox rows."""

    def __init__(self, engine_names):
        self._engine_names = list(engine_names)

    def __call__(self, uow):
        owners, sections_changed = affected(uow.session, uow.changes)
        if owners:
            uow.outbox_ids += self._enqueue_endpoints(uow.session, owners, _previous_engines(uow.changes))
        if sections_changed:
            enqueue_engines(uow, KIND_SECTIONS, self._engine_names)
        elif owners:
            _notify(uow.session)

    def _enqueue_endpoints(self, session, owners, previous):
        """One row per endpoint and engine it concerns, so an engine that is down holds back only its own.

        The engines that concern an endpoint: the one it lives on now; the one it left in this change
        (`previous`); those that acknowledged its objects; those with a row of it still queued, whose
        push may be in flight and not yet acknowledged. One statement, one snapshot: a push settles its
        row and records its objects in one transaction, so one of the two is seen. Other engines get
        nothing to wait for: an engine that is down or restarting gets its full push when it is back.
        """
        insert = sa.text(
            'INSERT INTO apply_outbox (engine, owner_uuid, kind) '
            'SELECT DISTINCT concerned.engine, concerned.owner, :kind FROM ('
            '  SELECT COALESCE(asterisk_id, :default_engine) AS engine, uuid AS owner FROM endpoint_sip'
            '  WHERE uuid = ANY(CAST(:owners AS uuid[])) AND NOT template'
            '  UNION SELECT engine, owner_uuid FROM engine_object WHERE owner_uuid = ANY(CAST(:owners AS uuid[]))'
            '  UNION SELECT engine, owner_uuid FROM apply_outbox WHERE owner_uuid = ANY(CAST(:owners AS uuid[]))'
            '  UNION SELECT * FROM unnest(CAST(:previous_engines AS text[]), CAST(:previous_owners AS uuid[]))'
            ') AS concerned (engine, owner) '
            'WHERE concerned.engine = ANY(CAST(:engines AS text[])) '
            'ORDER BY concerned.owner, concerned.engine '
            'RETURNING id'
        )
        previous = sorted(previous)
        parameters = {
            'kind': KIND_ENDPOINT,
            'default_engine': DEFAULT_ENGINE,
            'engines': self._engine_names,
            'owners': sorted(owners),
            'previous_engines': [engine for engine, _ in previous],
            'previous_owners': [owner for _, owner in previous],
        }
        return list(session.execute(insert, parameters).scalars())


def _previous_engines(changes):
    """(engine, endpoint uuid) of the endpoints as they were before these changes: a move leaves that engine."""
    return {
        (engine_of(change.before['asterisk_id']), change.uuid)
        for change in changes
        if change.resource is Resource.SIP_ENDPOINT and change.before is not None
    }


def affected(session, changes):
    """The endpoints a change set touches, and whether it changes the engine file.

    Shared by the outbox (what to push) and the dry run (what to preview).
    """
    owners = set()
    templates = set()
    transports = set()
    sections_changed = False
    for change in changes:
        if change.resource in ENDPOINT_RESOURCES:
            owners.add(change.uuid)
        elif change.resource is Resource.SIP_ENDPOINT_TEMPLATE:
            templates.add(change.uuid)
        elif change.resource in ENGINE_WIDE_RESOURCES:
            sections_changed = True
            if change.resource is Resource.SIP_TRANSPORT:
                transports.add(change.uuid)
                transports.update(change.affects)
    if templates:
        owners.update(session.execute(_descendant_endpoints(list(templates))).scalars())
    if transports:
        owners.update(session.execute(_transport_users(list(transports))).scalars())
    return owners, sections_changed


def enqueue_engines(uow, kind, engine_names):
    """One row of `kind` (sections, resync) per engine, and the worker woken at commit."""
    insert = sa.insert(ApplyOutbox).returning(ApplyOutbox.id)
    uow.outbox_ids += [uow.session.execute(insert.values(engine=name, kind=kind)).scalar_one() for name in engine_names]
    _notify(uow.session)


def _notify(session):
    session.execute(sa.text(f'NOTIFY {NOTIFY_CHANNEL}'))


def has_pending(session, owner_uuid, engine):
    """Whether a change of this endpoint still waits to reach this engine."""
    query = sa.select(ApplyOutbox.id).where(ApplyOutbox.owner_uuid == owner_uuid, ApplyOutbox.engine == engine)
    return session.execute(query.limit(1)).first() is not None
