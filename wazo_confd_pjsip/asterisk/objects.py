# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One Asterisk sorcery object as the service sends it: a type, an id and ordered option lines."""

from __future__ import annotations

from dataclasses import dataclass

from .syntax import MAX_ID_LENGTH

# Dependency order: an object only names objects of the types before it.
CREATION_ORDER = ('auth', 'aor', 'endpoint', 'identify', 'registration')


@dataclass(frozen=True)
class AsteriskObject:
    type: str
    id: str
    fields: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        # Asterisk crashes (SIGSEGV) on any attribute or value that is not a JSON string:
        # refuse such an object before it can be sent.
        _require_str('type', self.type)
        _require_str('id', self.id)
        if not self.type:
            raise ValueError('an Asterisk object needs a type')
        if not 0 < len(self.id) <= MAX_ID_LENGTH:
            raise ValueError(f'{self.type} id {self.id!r} must be 1 to {MAX_ID_LENGTH} characters')
        fields = tuple(self.fields)
        for line in fields:
            if not isinstance(line, tuple) or len(line) != 2:
                raise TypeError(f'{self.type} {self.id}: option line {line!r} is not an (attribute, value) pair')
            attribute, value = line
            _require_str(f'{self.type} {self.id} attribute', attribute)
            _require_str(f'{self.type} {self.id} value of {attribute}', value)
            if not attribute:
                raise ValueError(f'{self.type} {self.id}: empty attribute')
            if attribute == 'type':
                raise ValueError(f'{self.type} {self.id}: the type is not an option line')
        object.__setattr__(self, 'fields', fields)

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.id)

    def values(self, attribute) -> list[str]:
        """Every value given to `attribute`, in order (repeatable options have several)."""
        return [value for name, value in self.fields if name == attribute]


def _require_str(what, value):
    if not isinstance(value, str):
        raise TypeError(f'{what} must be a str, not {type(value).__name__} ({value!r})')
