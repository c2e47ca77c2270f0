# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one loader of the resolver's input: rows, their parent links and their templates, read
from the database, then resolved by `inheritance` into what each row ends up with.

`?view=merged`, what is pushed to Asterisk and the full pjsip.conf render all come from here.
"""
import dataclasses
from collections.abc import Mapping

from ..inheritance import ConfigNode, Resolver, merged_view
from . import template_graph

ENDPOINT_SECTION = 'endpoint'


@dataclasses.dataclass(frozen=True)
class Effective:
    """A row after inheritance: one line per setting (codecs as one `allow`), and its transport."""

    sections: dict  # section → [[key, value], ...]
    transport_uuid: str | None


@dataclasses.dataclass(frozen=True)
class ResolverInputs:
    """What resolving rows needs, read once: their nodes and those of every template they may inherit from.

    Plain data, detached from the session: it can be resolved after the transaction that read it.
    """

    rows: Mapping[str, ConfigNode]
    templates: Mapping[str, ConfigNode]
    # row uuid → what its wazo-confd line or trunk adds, {section: [[key, value], ...]}
    wazo_options: Mapping[str, Mapping[str, list]] = dataclasses.field(default_factory=dict)


def read_inputs(session, rows, template_rows=None):
    """ResolverInputs of rows. template_rows: every template any row may inherit from (default: their
    ancestors, read here)."""
    if template_rows is None:
        return inputs_of_lineage(rows, template_graph.lineage(session, [row.uuid for row in rows]))
    return _inputs(rows, template_rows, config_nodes(session, [*rows, *template_rows]))


def inputs_of_lineage(rows, lineage):
    """ResolverInputs of rows, from a `template_graph.lineage` that holds them."""
    own = {row.uuid for row in rows}
    template_rows = [row for uuid, row in lineage.rows.items() if uuid not in own]
    nodes = {
        row.uuid: ConfigNode(row.uuid, row.options, lineage.parents.get(row.uuid, ()), row.transport_uuid)
        for row in [*rows, *template_rows]
    }
    return _inputs(rows, template_rows, nodes)


def _inputs(rows, template_rows, nodes):
    return ResolverInputs(
        {row.uuid: nodes[row.uuid] for row in rows},
        {row.uuid: nodes[row.uuid] for row in template_rows},
        {row.uuid: row.wazo_options for row in rows if row.wazo_options},
    )


def resolve(inputs, is_repeatable):
    """row uuid → Effective, for the rows of `inputs`."""
    resolver = Resolver(inputs.templates)
    return {
        uuid: Effective(
            merged_view(with_wazo_options(resolver.lines(node), inputs.wazo_options.get(uuid)), is_repeatable),
            resolver.transport(node),
        )
        for uuid, node in inputs.rows.items()
    }


def with_wazo_options(lines, wazo_options):
    """What a line or trunk adds comes first, as Wazo's own defaults do: what the endpoint inherits or
    sets wins (its `context`...). It goes to the endpoint, which is always an object, and to the other
    sections the endpoint has: it never makes an object of its own (an aor for `mailboxes`)."""
    if not wazo_options:
        return lines
    result = dict(lines)
    for section, added in wazo_options.items():
        if section in lines or section == ENDPOINT_SECTION:
            result[section] = [*(tuple(line) for line in added), *lines.get(section, ())]
    return result


def effective_configs(session, rows, is_repeatable, template_rows=None):
    """row uuid → Effective (read_inputs, then resolve)."""
    return resolve(read_inputs(session, rows, template_rows), is_repeatable)


def config_nodes(session, rows):
    """row uuid → the resolver's ConfigNode of the row, its parents read here."""
    parents = template_graph.parent_uuids_of(session, [row.uuid for row in rows])
    return {
        row.uuid: ConfigNode(row.uuid, row.options, tuple(parents.get(row.uuid, ())), row.transport_uuid)
        for row in rows
    }
