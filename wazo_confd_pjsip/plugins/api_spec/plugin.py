import yaml
from flask import Response
from flask_restful import Resource

from .. import api_fragments
from ...http.auth import no_auth
from ...http.openapi import build_document


class ApiSpecResource(Resource):
    def __init__(self, document_text):
        self._document_text = document_text

    @no_auth  # clients and tools read the document before they have a token
    def get(self):
        return Response(self._document_text, mimetype='application/x-yaml')


class Plugin:
    def load(self, dependencies):
        text = yaml.safe_dump(build_document(api_fragments()), sort_keys=False)
        dependencies.api.add_resource(ApiSpecResource, '/api/api.yml', resource_class_args=(text,))
