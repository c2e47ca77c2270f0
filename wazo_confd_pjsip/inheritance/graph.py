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
