from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import InputError


def json_body(expected=dict):
    """The request's JSON body, or a 400 that says what is wrong with it."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        # refused unread; get_json(silent=True) would turn it into "invalid JSON"
        raise RequestEntityTooLarge(f'The body is larger than the limit of {limit} bytes.')
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:
        raise InputError('body', 'JSON nested too deeply')
    if body is None:
        raise InputError('body', 'Missing or invalid JSON body')
    if not isinstance(body, expected):
        raise InputError('body', f'Must be a JSON {"object" if expected is dict else "array"}')
    return body
