# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""In-process resolution of every endpoint, over rows read from the service's database.

Two measures: the pure inheritance step (Resolver + merged_view, rows already in memory), and what a
full push computes (DesiredState.for_engine: reading, resolving and building the Asterisk objects).
"""
import time

import sqlalchemy as sa

from wazo_confd_pjsip.apply.desired import DesiredState
from wazo_confd_pjsip.database.effective import config_nodes
from wazo_confd_pjsip.database.models import EndpointSIP
from wazo_confd_pjsip.database.session import Database
from wazo_confd_pjsip.engine_ids import DEFAULT_ENGINE
from wazo_confd_pjsip.inheritance import Resolver, merged_view
from wazo_confd_pjsip.options.catalogue import OptionCatalogue


def load_nodes(session):
    """(templates by uuid, endpoints) as ConfigNodes."""
    rows = list(session.execute(sa.select(EndpointSIP)).scalars())
    nodes = config_nodes(session, rows)
    templates = {row.uuid: nodes[row.uuid] for row in rows if row.template}
    return templates, [nodes[row.uuid] for row in rows if not row.template]


def resolve_all(templates, endpoints, is_repeatable):
    """uuid -> (merged sections, transport uuid) for every endpoint, as ?view=merged computes one."""
    resolver = Resolver(templates)
    return {
        node.uuid: (merged_view(resolver.lines(node), is_repeatable), resolver.transport(node)) for node in endpoints
    }


def _elapsed_ms(function):
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


class ResolutionTimer:
    def __init__(self, db_uri):
        self._db = Database(db_uri, pool_size=1)
        self._catalogue = OptionCatalogue.bundled()

    def resolve_all_ms(self):
        """(endpoint count, ms of the pure resolution of all of them)."""
        with self._db.read_only() as session:
            templates, endpoints = load_nodes(session)
        elapsed_ms, resolved = _elapsed_ms(lambda: resolve_all(templates, endpoints, self._catalogue.is_repeatable))
        return len(resolved), elapsed_ms

    def desired_state_ms(self):
        """(endpoint count, ms to read, resolve and build every endpoint of the default engine)."""
        desired = DesiredState(self._catalogue)
        with self._db.read_only() as session:  # a new session each time: no identity map carried over
            elapsed_ms, objects = _elapsed_ms(lambda: desired.for_engine(session, DEFAULT_ENGINE))
        return len(objects), elapsed_ms

    def close(self):
        self._db.dispose()
