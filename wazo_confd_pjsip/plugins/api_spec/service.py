# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import functools

import yaml

from ...http.openapi import build_document
from .. import api_fragments
from .facts import add_service_facts


class _NoAliasDumper(getattr(yaml, 'CSafeDumper', yaml.SafeDumper)):  # type: ignore[misc]
    # Fragments share parts through YAML anchors; the served document spells every part out,
    # for the tools that do not follow aliases.
    def ignore_aliases(self, data):
        return True


class ServedDocument:
    """The document of one app: the fragments and the facts of its configuration, built on first request."""

    def __init__(self, engine_names, catalogue):
        self._engine_names = tuple(engine_names)
        self._catalogue = catalogue

    @functools.cached_property
    def text(self):
        document = add_service_facts(build_document(api_fragments()), self._engine_names, self._catalogue)
        return yaml.dump(document, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)
