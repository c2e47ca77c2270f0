# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an endpoint must be in Asterisk: its inheritance resolved, then its objects built.

What is pushed is the merged view (one line per setting, codecs as one `allow`), the same
configuration `?view=merged` shows and Asterisk would end up with from pjsip.conf templates.
"""
import dataclasses
from collections.abc import Mapping

import sqlalchemy as sa

from ..asterisk.builder import build_objects
from ..database import template_graph
from ..database.effective import ResolverInputs, inputs_of_lineage, read_inputs, resolve
from ..database.models import EndpointSIP
from ..engine_ids import engine_of
from ..plugins.transports import dao as transport_dao
from .engines import on_engine


@dataclasses.dataclass(frozen=True)
class EndpointFacts:
    """What names an endpoint's objects and places them, besides its options."""

    name: str
    tenant_uuid: str
    engine: str
    used: bool = True  # by a wazo-confd line or trunk

    @classmethod
    def of(cls, row):
        used = row.line_id is not None or row.trunk_id is not None
        return cls(row.name, row.tenant_uuid, engine_of(row.asterisk_id), used)


@dataclasses.dataclass(frozen=True)
class DesiredInputs:
    """Everything building the objects of some endpoints reads from the database, as plain data."""

    resolver: ResolverInputs
    endpoints: Mapping[str, EndpointFacts]  # the rows of `resolver`
    transport_names: Mapping[str, str]  # transport uuid → name


class DesiredState:
    def __init__(self, catalogue, used_only_engines=()):
        """used_only_engines: the engines that get only the endpoints a line or trunk uses."""
        self._catalogue = catalogue
        self._used_only_engines = frozenset(used_only_engines)

    def for_owners(self, session, owner_uuids, engine):
        """owner uuid → objects, for the endpoints among owner_uuids that live on `engine` (others: [])."""
        # One statement for the rows and their templates: this is on the way of every change pushed.
        lineage = template_graph.lineage(session, owner_uuids)
        found = (lineage.rows.get(uuid) for uuid in owner_uuids)
        rows = [row for row in found if row is not None and not row.template and engine_of(row.asterisk_id) == engine]
        result = {uuid: [] for uuid in owner_uuids}
        result.update(self.build(self._inputs(session, rows, inputs_of_lineage(rows, lineage))))
        return result

    def for_engine(self, session, engine):
        """owner uuid → objects, for every endpoint of `engine` (a full push)."""
        condition = on_engine(EndpointSIP.asterisk_id, engine)
        rows = list(session.execute(sa.select(EndpointSIP).where(EndpointSIP.template.is_(False), condition)).scalars())
        templates = session.execute(sa.select(EndpointSIP).where(EndpointSIP.template.is_(True))).scalars()
        return self.build(self.read(session, rows, list(templates)))

    def for_row(self, session, row):
        return self.build(self.read(session, [row])).get(row.uuid, [])

    def read(self, session, rows, template_rows=None):
        """The DesiredInputs of endpoint rows; `build` may run once the session is gone (a dry run)."""
        return self._inputs(session, rows, read_inputs(session, rows, template_rows))

    def _inputs(self, session, rows, resolver_inputs):
        return DesiredInputs(
            resolver_inputs, {row.uuid: EndpointFacts.of(row) for row in rows}, transport_dao.names_by_uuid(session)
        )

    def build(self, inputs, engine=None):
        """owner uuid → objects, for the endpoints of `inputs` (only those on `engine`, when given)."""
        endpoints = {
            uuid: facts
            for uuid, facts in inputs.endpoints.items()
            if (engine is None or facts.engine == engine)
            and (facts.used or facts.engine not in self._used_only_engines)
        }
        rows = {uuid: inputs.resolver.rows[uuid] for uuid in endpoints}
        effective = resolve(dataclasses.replace(inputs.resolver, rows=rows), self._catalogue.is_repeatable)
        result = {}
        for uuid, facts in endpoints.items():
            found = effective[uuid]
            resolved = {section: [tuple(line) for line in lines] for section, lines in found.sections.items()}
            result[uuid] = build_objects(
                facts.name, facts.tenant_uuid, resolved, inputs.transport_names.get(found.transport_uuid)
            )
        return result
