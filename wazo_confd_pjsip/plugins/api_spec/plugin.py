import functools

import yaml
from flask import Response
from flask_restful import Resource

from .. import api_fragments
from ...http.auth import no_auth
from ...http.openapi import build_document


class _NoAliasDumper(getattr(yaml, 'CSafeDumper', yaml.SafeDumper)):
    # Fragments share parts through YAML anchors; the served document spells every part out,
    # for the tools that do not follow aliases.
    def ignore_aliases(self, data):
        return True


@functools.cache  # the fragments are part of the installed package: built once, on first request
def document_text():
    return yaml.dump(build_document(api_fragments()), Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)


class ApiSpecResource(Resource):
    @no_auth  # clients and tools read the document before they have a token
    def get(self):
        return Response(document_text(), mimetype='application/x-yaml')


class Plugin:
    def load(self, dependencies):
        dependencies.api.add_resource(ApiSpecResource, '/api/api.yml')
