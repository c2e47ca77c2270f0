# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What inheritance works on: an endpoint or template reduced to its option lines and parents."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Optional, Union

from .errors import MissingParent

Line = tuple[str, str]


@dataclass(frozen=True)
class ConfigNode:
    """One endpoint or template.

    ``sections`` maps a section name of ``sections.py`` to its option lines, in order; a key may
    repeat. ``parents`` are template uuids in the order of Asterisk's ``[name](T0,T1,...)``.
    """

    uuid: str
    sections: Mapping[str, tuple[Line, ...]] = field(default_factory=dict)
    parents: tuple[str, ...] = ()
    transport_uuid: Optional[str] = None

    def __post_init__(self):
        # Callers often hold JSON-shaped data ([key, value] lists); freeze it so a node
        # cached by a Resolver cannot change under it.
        sections = {section: tuple((key, value) for key, value in lines) for section, lines in self.sections.items()}
        object.__setattr__(self, 'sections', sections)
        object.__setattr__(self, 'parents', tuple(self.parents))


# uuid -> template; a callable may return None or raise KeyError for an unknown uuid.
Lookup = Union[Callable[[str], Optional[ConfigNode]], Mapping[str, ConfigNode]]


def template_fetcher(lookup: Lookup) -> Callable[[str, Optional[str]], ConfigNode]:
    """Turn a lookup into ``fetch(uuid, child_uuid)`` that raises MissingParent for unknown uuids."""
    get = lookup.get if isinstance(lookup, Mapping) else lookup

    def fetch(uuid, child_uuid=None):
        try:
            node = get(uuid)
        except KeyError:
            node = None
        if node is None:
            raise MissingParent(uuid, child_uuid)
        return node

    return fetch
