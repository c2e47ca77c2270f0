# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Template inheritance as Asterisk's ``[name](T0,T1,...)`` does it.

A node's lines are T0's resolved lines, then T1's, ..., then its own, section by section. A
template reached through two branches (a diamond) is replayed once per branch, as Asterisk
copies it twice. The transport is the node's own, else the effective transport of the last
parent that has one.

Resolved templates are cached by a Resolver, so a template shared by many endpoints is
resolved once; the walk is iterative, so chains of any depth resolve.
"""

from .errors import InheritanceLoop
from .model import template_fetcher


def _lines_from(node, resolved):
    lines_by_section = {}
    for parent in node.parents:
        for section, lines in resolved[parent].items():
            lines_by_section.setdefault(section, []).extend(lines)
    for section, lines in node.sections.items():
        if lines:
            lines_by_section.setdefault(section, []).extend(lines)
    return {section: tuple(lines) for section, lines in lines_by_section.items()}


def _transport_from(node, resolved):
    if node.transport_uuid is not None:
        return node.transport_uuid
    inherited = (resolved[parent] for parent in reversed(node.parents))
    return next((transport for transport in inherited if transport is not None), None)


class Resolver:
    """Resolves many nodes against one lookup, caching every template it resolves.

    The node passed to ``lines``/``transport`` is taken as given and never cached (it may be a
    not-yet-saved version); only templates fetched from the lookup are: a Resolver lives as long as
    one read of the templates.
    """

    def __init__(self, lookup):
        self._fetch = template_fetcher(lookup)
        self._templates = {}
        self._lines = {}
        self._transports = {}

    def lines(self, node):
        """Section -> option lines after inheritance, sections with no line left out."""
        resolved = self._resolve(node, self._lines, _lines_from)
        return {section: list(lines) for section, lines in resolved.items()}

    def transport(self, node):
        return self._resolve(node, self._transports, _transport_from)

    def _template(self, uuid, child_uuid):
        template = self._templates.get(uuid)
        if template is None:
            template = self._templates[uuid] = self._fetch(uuid, child_uuid)
        return template

    def _resolve(self, node, resolved, combine):
        """``combine(node, resolved)`` once every ancestor of ``node`` is in ``resolved``.

        Depth-first with an explicit stack: a template is combined after all its parents,
        and a parent already on the current path is a loop.
        """
        path = [node.uuid]
        on_path = {node.uuid}
        stack = [(node, iter(node.parents))]
        while True:
            current, pending_parents = stack[-1]
            for parent_uuid in pending_parents:
                if parent_uuid in on_path:
                    raise InheritanceLoop(path[path.index(parent_uuid) :])
                if parent_uuid not in resolved:
                    parent = self._template(parent_uuid, current.uuid)
                    stack.append((parent, iter(parent.parents)))
                    path.append(parent_uuid)
                    on_path.add(parent_uuid)
                    break
            else:
                stack.pop()
                if not stack:
                    return combine(node, resolved)
                path.pop()
                on_path.discard(current.uuid)
                resolved[current.uuid] = combine(current, resolved)
