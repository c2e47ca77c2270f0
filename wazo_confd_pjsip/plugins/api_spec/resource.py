# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import Response
from flask_restful import Resource

from ...http.auth import no_auth


class ApiSpecResource(Resource):
    def __init__(self, document):
        self._document = document

    @no_auth  # clients and tools read the document before they have a token
    def get(self):
        return Response(self._document.text, mimetype='application/x-yaml')
