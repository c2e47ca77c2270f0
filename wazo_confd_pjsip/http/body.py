from flask import request

from .errors import InputError


def json_body(expected=dict):
    """The request's JSON body, or a 400 that says what is wrong with it."""
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise InputError('body', 'Missing or invalid JSON body')
    if not isinstance(body, expected):
        raise InputError('body', f'Must be a JSON {"object" if expected is dict else "array"}')
    return body
