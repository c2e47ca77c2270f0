# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The impact preview of a dry-run unit of work (`Database.previewing`).

Inside the transaction only what the unit of work itself wrote is read: the endpoints it touches
(the query the outbox runs at commit), the nodes of the rows it wrote and, when engine-wide
sections changed, those sections. So a dry run holds its locks no longer than the real write.

After the rollback, with no lock held: the committed state of the touched endpoints is read (the
before), the rows the unit of work wrote are laid over it (the after), both are resolved and built,
and each engine's operations are planned against what it acknowledged by the pusher's own planner,
so what is previewed is what the worker would send. A write committed by another writer between
the two reads shows in the before.
"""
import collections
import dataclasses
import functools

import sqlalchemy as sa

from ..asterisk import engine_file
from ..database import template_graph
from ..database.effective import ResolverInputs, config_nodes, resolve
from ..database.models import EndpointSIP
from ..database.session import Resource
from ..option_diff import option_changes
from ..plugins.transports import dao as transport_dao
from ..secrets import masked_changes
from ..sections import field_name
from . import acknowledged, engine_settings, engine_state
from .desired import EndpointFacts
from .outbox import affected
from .pusher import EndpointPlanner

LISTED = 100  # endpoints, and operations per engine


@dataclasses.dataclass(frozen=True)
class _Written:
    """What the unit of work wrote, read inside its transaction."""

    owners: frozenset  # the endpoints it touches
    nodes: dict  # uuid → ConfigNode of each endpoint or template it wrote and kept
    endpoints: dict  # uuid → EndpointFacts of each endpoint it wrote and kept
    wazo_options: dict  # uuid → what its line or trunk adds, of those endpoints that have some
    removed: frozenset  # the endpoints and templates it deleted
    transport_names: dict | None  # when it wrote a transport
    engine_settings: dict | None  # the engine settings' snapshot, when it changed them


class ImpactPreview:
    """`preview(uow)` for `Database.previewing`: reads what `uow` wrote, returns the answer's builder."""

    def __init__(self, db, engines, desired, catalogue):
        self._db = db
        self._engines = engines
        self._desired = desired
        self._plan = EndpointPlanner(catalogue)
        self._is_repeatable = catalogue.is_repeatable

    def __call__(self, uow):
        return functools.partial(self._answer, _read_written(uow))

    def _answer(self, written):
        with self._db.read_only() as session:
            rows = session.execute(
                sa.select(EndpointSIP).where(EndpointSIP.uuid.in_(written.owners), EndpointSIP.template.is_(False))
            ).scalars()
            before = self._desired.read(session, list(rows))
            after = _laid_over(session, before, written)
        before_objects, after_objects = self._desired.build(before), self._desired.build(after)
        changed = sorted(
            (
                uuid
                for uuid in written.owners
                if _placed(before, before_objects, uuid) != _placed(after, after_objects, uuid)
            ),
            key=lambda uuid: (_facts(after, before, uuid).name, uuid),
        )
        engines = [self._engine_plan(engine, written, after, after_objects) for engine in self._engines.values()]
        return {
            'endpoints': {
                'total': len(changed),
                'items': [{'uuid': uuid, 'name': _facts(after, before, uuid).name} for uuid in changed[:LISTED]],
            },
            'engines': engines,
            'reload_required': any(engine['reload_required'] for engine in engines),
            'restart_required': any(engine['restart_reasons'] for engine in engines),
            'example': self._example(changed[0], before, after) if changed else None,
        }

    def _engine_plan(self, engine, written, after, after_objects):
        with self._db.engine.connect() as connection:
            current = acknowledged.of_owners(connection, engine.name, written.owners)
            state = engine_state.read(connection, engine.name)
        # Not probed by a dry run (the probe writes to Asterisk): unknown is planned as a stock Asterisk.
        merges_set_var = bool(engine.known_merges_set_var(state.startup_time if state else None))
        operations = []
        for owner in sorted(written.owners):
            facts = after.endpoints.get(owner)
            wanted = after_objects[owner] if facts is not None and facts.engine == engine.name else []
            operations += self._plan(current[owner], wanted, merges_set_var)
        previous = state.engine_sections if state else None
        reload_required = written.engine_settings is not None and written.engine_settings != previous
        return {
            'name': engine.name,
            'operations': {
                'total': len(operations),
                'counts': dict(collections.Counter(operation.action.value for operation in operations)),
                'items': [_described(operation) for operation in operations[:LISTED]],
            },
            'reload_required': reload_required,
            'restart_reasons': (
                engine_file.restart_reasons(previous, written.engine_settings) if reload_required else []
            ),
        }

    def _example(self, uuid, before, after):
        """The option-level diff of one endpoint's effective configuration, secrets masked."""
        bodies = [self._effective_body(inputs, uuid) for inputs in (before, after)]
        changes = option_changes(*bodies)
        return {
            'uuid': uuid,
            'name': _facts(after, before, uuid).name,
            'changes': masked_changes(changes, Resource.SIP_ENDPOINT),
        }

    def _effective_body(self, inputs, uuid):
        facts = inputs.endpoints.get(uuid)
        if facts is None:
            return None
        resolver = inputs.resolver
        one = dataclasses.replace(resolver, rows={uuid: resolver.rows[uuid]})
        effective = resolve(one, self._is_repeatable)[uuid]
        body = {field_name(section): lines for section, lines in effective.sections.items()}
        body['engine'] = facts.engine
        body['transport'] = inputs.transport_names.get(effective.transport_uuid)
        return body


def _read_written(uow):
    session = uow.session
    owners, sections_changed = affected(session, uow.changes)
    written = {
        change.uuid
        for change in uow.changes
        if change.resource in (Resource.SIP_ENDPOINT, Resource.SIP_ENDPOINT_TEMPLATE)
    }
    rows = list(session.execute(sa.select(EndpointSIP).where(EndpointSIP.uuid.in_(written))).scalars())
    transports_written = any(change.resource is Resource.SIP_TRANSPORT for change in uow.changes)
    return _Written(
        owners=frozenset(owners),
        nodes=config_nodes(session, rows),
        endpoints={row.uuid: EndpointFacts.of(row) for row in rows if not row.template},
        wazo_options={row.uuid: row.wazo_options for row in rows if row.wazo_options},
        removed=frozenset(written - {row.uuid for row in rows}),
        transport_names=(transport_dao.names_by_uuid(session) if transports_written else None),
        engine_settings=(
            engine_settings.snapshot(engine_settings.engine_settings_objects(session)) if sections_changed else None
        ),
    )


def _laid_over(session, before, written):
    """The DesiredInputs of the touched endpoints once the unit of work is applied to `before`.

    A template they now inherit from that `before` did not read (a new parent) is read committed.
    """
    endpoints = {uuid: facts for uuid, facts in before.endpoints.items() if uuid not in written.removed}
    endpoints.update(written.endpoints)
    rows = {uuid: written.nodes.get(uuid) or before.resolver.rows[uuid] for uuid in endpoints}
    templates = {uuid: node for uuid, node in before.resolver.templates.items() if uuid not in written.removed}
    templates.update((uuid, node) for uuid, node in written.nodes.items() if uuid not in written.endpoints)
    missing = _missing_parents(rows, templates)
    while missing:
        found = session.execute(sa.select(EndpointSIP).where(EndpointSIP.uuid.in_(missing))).scalars()
        found = list(found) + template_graph.ancestor_rows(session, list(missing))
        new = {uuid: node for uuid, node in config_nodes(session, found).items() if uuid not in templates}
        if not new:
            break  # a parent that does not exist: the write's validation refuses it before this
        templates.update(new)
        missing = _missing_parents(rows, templates)
    transport_names = written.transport_names if written.transport_names is not None else before.transport_names
    wazo_options = {
        uuid: options
        for uuid, options in before.resolver.wazo_options.items()
        if uuid in endpoints and uuid not in written.endpoints
    }
    wazo_options.update(written.wazo_options)
    return dataclasses.replace(
        before,
        resolver=ResolverInputs(rows, templates, wazo_options),
        endpoints=endpoints,
        transport_names=transport_names,
    )


def _missing_parents(rows, templates):
    nodes = [*rows.values(), *templates.values()]
    return {parent for node in nodes for parent in node.parents} - templates.keys()


def _facts(after, before, uuid):
    return after.endpoints.get(uuid) or before.endpoints[uuid]


def _placed(inputs, objects, uuid):
    """What decides an endpoint's push: the engine it lives on and its objects (None: not an endpoint)."""
    facts = inputs.endpoints.get(uuid)
    return (facts.engine, objects[uuid]) if facts is not None else None


def _described(operation):
    # Option names only: the values of a merge may be secrets.
    return {
        'action': operation.action.value,
        'type': operation.type,
        'id': operation.id,
        'reason': operation.reason,
        'options': [key for key, _ in operation.fields],
    }
