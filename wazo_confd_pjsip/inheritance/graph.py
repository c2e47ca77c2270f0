# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Questions about the template graph that need no option lines.

Adjacency is injected as a mapping or a callable uuid -> iterable of uuids; a uuid it does not
know has no edges. Both walks are iterative and visit each uuid once, so deep chains and
existing loops elsewhere in the graph are harmless.
"""

from collections import deque
from collections.abc import Mapping


def _edges(adjacency):
    if isinstance(adjacency, Mapping):
        return lambda uuid: adjacency.get(uuid, ())
    return lambda uuid: adjacency(uuid) or ()


def descendants(template_uuid, children_of):
    """Everything that inherits from ``template_uuid`` directly or indirectly, nearest first.

    ``template_uuid`` itself is never listed, even when it sits on a loop.
    """
    children = _edges(children_of)
    seen = {template_uuid}
    found = []
    queue = deque([template_uuid])
    while queue:
        for child in children(queue.popleft()):
            if child not in seen:
                seen.add(child)
                found.append(child)
                queue.append(child)
    return found


def would_create_cycle(node_uuid, new_parents, parents_of):
    """The loop that giving ``node_uuid`` these parents would create, else None.

    The loop starts at ``node_uuid``, each uuid being a parent of the previous one and
    ``node_uuid`` a parent of the last: ``(node_uuid,)`` when it would include itself,
    ``(node_uuid, parent, ..., last)`` otherwise (shortest such loop).
    """
    parents = _edges(parents_of)
    # Breadth-first from the new parents towards node_uuid; came_from rebuilds the path.
    came_from = {}
    queue = deque()
    for parent in new_parents:
        if parent == node_uuid:
            return (node_uuid,)
        if parent not in came_from:
            came_from[parent] = None
            queue.append(parent)
    while queue:
        current = queue.popleft()
        for parent in parents(current):
            if parent == node_uuid:
                path = [current]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                return (node_uuid, *reversed(path))
            if parent not in came_from:
                came_from[parent] = current
                queue.append(parent)
    return None


def most_copies(parents, parents_of):
    """The most times one template's lines are copied into a node with these parents.

    Asterisk copies a template once per path that reaches it (a diamond copies its base twice), so
    a ladder of diamonds doubles the lines at each rung: this is the factor to keep bounded. The
    graph must have no loop (check would_create_cycle first).
    """
    edges = _edges(parents_of)
    paths = {}  # uuid -> {ancestor: number of paths from uuid to it}
    for root in parents:
        stack = [(root, iter(edges(root)))]
        while stack:
            uuid, pending = stack[-1]
            parent = next((p for p in pending if p not in paths), None)
            if parent is not None:
                stack.append((parent, iter(edges(parent))))
                continue
            stack.pop()
            if uuid in paths:
                continue
            counts = {}
            for parent in edges(uuid):
                counts[parent] = counts.get(parent, 0) + 1
                for ancestor, number in paths[parent].items():
                    counts[ancestor] = counts.get(ancestor, 0) + number
            paths[uuid] = counts
    total = {}
    for parent in parents:
        total[parent] = total.get(parent, 0) + 1
        for ancestor, number in paths[parent].items():
            total[ancestor] = total.get(ancestor, 0) + number
    return max(total.values(), default=0)
