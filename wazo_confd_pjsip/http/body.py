# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Request bodies: bounded whatever their framing, and JSON read with errors that say what is wrong."""
from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import InvalidInput


class BoundedBodies:
    """WSGI middleware: a body sent without Content-Length (chunked) is cut at `limit` bytes with a 413.

    Werkzeug 2.2 enforces MAX_CONTENT_LENGTH only against a stated Content-Length, and hands a
    chunked body's stream over unbounded.
    """

    def __init__(self, wsgi_app, limit):
        self._wsgi_app = wsgi_app
        self._limit = limit

    def __call__(self, environ, start_response):
        if not environ.get('CONTENT_LENGTH') and 'wsgi.input' in environ:
            environ['wsgi.input'] = _BoundedStream(environ['wsgi.input'], self._limit)
        return self._wsgi_app(environ, start_response)


class _BoundedStream:
    def __init__(self, stream, limit):
        self._stream = stream
        self._left = limit

    def read(self, size=-1):
        return self._counted(self._stream.read(self._bounded(size)))

    def readline(self, size=-1):
        return self._counted(self._stream.readline(self._bounded(size)))

    def __iter__(self):
        return iter(self.readline, b'')

    def _bounded(self, size):
        # one byte past the limit, so that a body of exactly the limit is told from a larger one
        return self._left + 1 if size is None or size < 0 else min(size, self._left + 1)

    def _counted(self, data):
        self._left -= len(data)
        if self._left < 0:
            raise RequestEntityTooLarge('The body is larger than the limit.')
        return data


def json_body(expected=dict):
    """The request's JSON body, or a 400 that says what is wrong with it."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        # refused unread; get_json(silent=True) would turn it into "invalid JSON"
        raise RequestEntityTooLarge(f'The body is larger than the limit of {limit} bytes.')
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:
        raise InvalidInput('body', 'JSON nested too deeply')
    if body is None:
        raise InvalidInput('body', 'Missing or invalid JSON body')
    if not isinstance(body, expected):
        raise InvalidInput('body', f'Must be a JSON {"object" if expected is dict else "array"}')
    return body
