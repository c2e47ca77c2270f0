# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The flask-restful Api with wazo-confd's error format for every failure, 404/405/500 included."""
import logging

from flask import jsonify, request
from flask_restful import Api
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .errors import APIError

logger = logging.getLogger(__name__)


def flatten_validation_messages(messages, prefix=''):
    """Marshmallow's nested {field: [msg]} → [(dotted.field, 'msg1 msg2')]."""
    if isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            return [(prefix or 'body', ' '.join(messages))]
        flat = []
        for message in messages:
            flat.extend(flatten_validation_messages(message, prefix))
        return flat
    if isinstance(messages, dict):
        flat = []
        for key, value in messages.items():
            name = str(key) if key != '_schema' else ''
            path = '.'.join(part for part in (prefix, name) if part)
            flat.extend(flatten_validation_messages(value, path))
        return flat
    return [(prefix or 'body', str(messages))]


def error_response(status, messages):
    response = jsonify(messages)
    response.status_code = status
    return response


def handle_exception(error):
    if isinstance(error, APIError):
        return error_response(error.status_code, error.messages)
    if isinstance(error, ValidationError):
        messages = [f'Input Error - {field}: {text}' for field, text in flatten_validation_messages(error.messages)]
        return error_response(400, messages)
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
