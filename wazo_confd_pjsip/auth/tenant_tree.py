# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tenant tree as wazo-auth sees it: a tenant sees itself and all its descendants."""
from collections.abc import Mapping


def subtree(parents: Mapping[str, str | None], root: str) -> list[str]:
    """``root`` then its descendants, breadth-first; ``parents`` maps each tenant to its parent."""
    children: dict[str, list[str]] = {}
    for tenant, parent in parents.items():
        # wazo-auth stores a root tenant as its own parent
        if parent is not None and parent != tenant:
            children.setdefault(parent, []).append(tenant)
    found, seen = [root], {root}
    for tenant in found:  # grows while iterated: breadth-first
        for child in children.get(tenant, []):
            if child not in seen:  # a cycle must not loop forever
                seen.add(child)
                found.append(child)
    return found


def roots(parents: Mapping[str, str | None]) -> list[str]:
    return [tenant for tenant, parent in parents.items() if parent is None or parent == tenant]
