# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The flask-restful Api with wazo-confd's error format for every failure, 404/405/500 included."""
import logging

from flask import jsonify, request
from flask_restful import Api
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from .errors import APIError, status_of, wire_messages

logger = logging.getLogger(__name__)


def error_response(status, messages):
    response = jsonify(messages)
    response.status_code = status
    return response


def handle_exception(error):
    if isinstance(error, (APIError, DomainError, ValidationError)):
        return error_response(status_of(error), wire_messages(error))
    if isinstance(error, HTTPException):
        response = error_response(error.code, [error.description or error.name])
        # What the exception adds to its response still holds, e.g. the Allow header of a 405.
        for name, value in error.get_headers():
            if name.lower() != 'content-type':
                response.headers[name] = value
        return response
    logger.exception('Unexpected error on %s %s', request.method, request.path)
    return error_response(500, [f'Unexpected error: {error.__class__.__name__}'])


class WazoApi(Api):
    def handle_error(self, e):
        return handle_exception(e)


def register_error_handlers(app):
    app.register_error_handler(Exception, handle_exception)
