# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The PJSIP options Asterisk knows, per sorcery object type.

Facts come from the bundled ``pjsip-options.json``; an Asterisk documentation file (the gzip'd JSON
that wazo-confd reads, ``{section: {option: {name, default, synopsis, description, note, choices}}}``)
may add options of a newer Asterisk and the prose that GET /asterisk/pjsip/doc shows.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
from dataclasses import dataclass
from importlib import resources

logger = logging.getLogger(__name__)

BUNDLED_FILE = 'pjsip-options.json'

# The sections GET /asterisk/pjsip/doc returns (wazo-confd's, plus identify and registration).
DOC_SECTIONS = (
    'endpoint',
    'aor',
    'auth',
    'contact',
    'domain_alias',
    'transport',
    'system',
    'global',
    'identify',
    'registration',
)

# Every section has it and the service writes it itself: it is never an option a client sets.
TYPE_KEY = 'type'


@dataclass(frozen=True)
class OptionSpec:
    name: str
    datatype: str | None  # None: only a documentation file lists it, its kind is unknown
    default: str
    choices: tuple[str, ...] = ()
    repeatable: bool = False


class OptionCatalogue:
    def __init__(self, specs, doc_entries=None):
        self._specs = specs  # {object_type: {name: OptionSpec}}
        self._doc_entries = doc_entries or {}  # {section: {name: doc entry}} from a doc file

    @classmethod
    @functools.cache
    def bundled(cls) -> OptionCatalogue:
        return cls(_bundled_specs())

    @classmethod
    def with_doc_file(cls, path) -> OptionCatalogue:
        """The bundled facts plus what the Asterisk documentation file at `path` lists (if readable)."""
        if not path:
            return cls.bundled()
        doc_entries = _read_doc_file(path)
        specs = {object_type: dict(options) for object_type, options in _bundled_specs().items()}
        for section, entries in doc_entries.items():
            known = specs.setdefault(section, {})
            for name, entry in entries.items():
                if name not in known:
                    known[name] = OptionSpec(name, None, entry['default'], tuple(entry['choices']))
        return cls(specs, doc_entries)

    def spec(self, object_type, key) -> OptionSpec | None:
        if not isinstance(object_type, str) or not isinstance(key, str):
            return None
        return self._specs.get(object_type, {}).get(key)

    def knows(self, object_type, key) -> bool:
        return self.spec(object_type, key) is not None

    def is_repeatable(self, object_type, key) -> bool:
        spec = self.spec(object_type, key)
        return spec is not None and spec.repeatable

    def option_names(self, object_type) -> tuple[str, ...]:
        return tuple(sorted(self._specs.get(object_type, {})))

    def doc(self) -> dict:
        """The body of GET /asterisk/pjsip/doc: the doc file's text where it has some, else the bare facts."""
        return {section: self._section_doc(section) for section in DOC_SECTIONS}

    def _section_doc(self, section):
        entries = {name: _fact_doc_entry(spec) for name, spec in self._specs.get(section, {}).items()}
        for name, entry in self._doc_entries.get(section, {}).items():
            entries[name] = {**entry, 'choices': dict(entry['choices'])}
        return entries


@functools.cache
def _bundled_specs():
    text = resources.files(__package__).joinpath(BUNDLED_FILE).read_text(encoding='utf-8')
    facts = json.loads(text)
    facts.pop('_about', None)
    return {
        object_type: {
            name: OptionSpec(
                name=name,
                datatype=fact['datatype'],
                default=fact['default'] or '',
                choices=tuple(fact['choices']),
                repeatable=fact['repeatable'],
            )
            for name, fact in options.items()
            if name != TYPE_KEY
        }
        for object_type, options in facts.items()
    }


def _fact_doc_entry(spec):
    return {
        'name': spec.name,
        'default': spec.default,
        'synopsis': '',
        'description': '',
        'note': '',
        'choices': {choice: '' for choice in spec.choices},
    }


def _read_doc_file(path):
    try:
        with gzip.open(path, 'rt', encoding='utf-8') as doc_file:
            raw = json.load(doc_file)
    except FileNotFoundError:
        # The usual case: Debian 12 ships no asterisk-doc. Nothing to warn about at every start.
        logger.info('no Asterisk PJSIP documentation at %s: the bundled option facts document the API', path)
        return {}
    except (OSError, EOFError, ValueError) as e:
        logger.warning('Asterisk PJSIP documentation %s unreadable (%s): using bundled option facts only', path, e)
        return {}
    if not isinstance(raw, dict):
        logger.warning('Asterisk PJSIP documentation %s is not a JSON object: using bundled option facts only', path)
        return {}
    return {
        section: {
            name: _doc_entry(name, entry)
            for name, entry in options.items()
            if name != TYPE_KEY and isinstance(entry, dict)
        }
        for section, options in raw.items()
        if isinstance(options, dict)
    }


def _doc_entry(name, raw):
    return {
        'name': name,
        'default': _text(raw.get('default')),
        'synopsis': _text(raw.get('synopsis')),
        'description': _text(raw.get('description')),
        'note': _text(raw.get('note')),
        'choices': _choices(raw.get('choices')),
    }


def _text(value):
    if value is None:
        return ''
    return value if isinstance(value, str) else str(value)


def _choices(raw):
    if isinstance(raw, dict):
        return {str(value): _text(description) for value, description in raw.items()}
    if isinstance(raw, list):
        return {str(value): '' for value in raw}
    return {}
