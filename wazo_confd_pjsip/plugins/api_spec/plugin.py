# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import functools

import yaml
from flask import Response
from flask_restful import Resource

from ...http.auth import no_auth
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

    def __init__(self, dependencies):
        self._engine_names = tuple(dependencies.apply.engines)
        self._catalogue = dependencies.catalogue

    @functools.cached_property
    def text(self):
        document = add_service_facts(build_document(api_fragments()), self._engine_names, self._catalogue)
        return yaml.dump(document, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)


class ApiSpecResource(Resource):
    def __init__(self, document):
        self._document = document

    @no_auth  # clients and tools read the document before they have a token
    def get(self):
        return Response(self._document.text, mimetype='application/x-yaml')


class Plugin:
    def load(self, dependencies):
        dependencies.api.add_resource(
            ApiSpecResource, '/api/api.yml', resource_class_kwargs={'document': ServedDocument(dependencies)}
        )
