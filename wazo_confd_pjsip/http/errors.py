# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-confd's wire format of every refusal: a status and a JSON array of strings.

The domain errors (`..errors`) are raised below HTTP; this module alone words them.
"""
from functools import singledispatch

from marshmallow import ValidationError

from .. import errors

INPUT_ERROR = 'Input Error - '


class APIError(Exception):
    """A refusal of the HTTP layer itself (authentication), already in wire form."""

    status_code = 400

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = list(messages)


class UnauthorizedError(APIError):
    status_code = 401

    def __init__(self, message='Unauthorized'):
        super().__init__(message)


class ServiceUnavailableError(APIError):
    status_code = 503


def status_of(error: Exception) -> int:
    if isinstance(error, APIError):
        return error.status_code
    if isinstance(error, errors.Conflict):
        return 409
    if isinstance(error, errors.Unavailable):
        return 503
    return 404 if isinstance(error, errors.NotFound) else 400


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


def _ids(ids):
    return ', '.join(f'{key!r}: {value!r}' for key, value in ids.items())


def _input(field, message):
    return f'{INPUT_ERROR}{field}: {message}' if field is not None else f'{INPUT_ERROR}{message}'


@singledispatch
def wire_messages(error: Exception) -> list[str]:
    raise TypeError(f'no wire text for {error!r}')


@wire_messages.register
def _(error: APIError):
    return error.messages


@wire_messages.register
def _(error: ValidationError):
    return [_input(field, text) for field, text in flatten_validation_messages(error.messages)]


@wire_messages.register
def _(error: errors.InvalidInput):
    return [_input(error.field, error.message)]


@wire_messages.register
def _(error: errors.InvalidInputs):
    return [_input(field, message) for field, message in error.errors]


@wire_messages.register
def _(error: errors.NotFound):
    return [f'Resource Not Found - {error.resource} was not found ({_ids(error.ids)})']


@wire_messages.register
def _(error: errors.RelatedNotFound):
    message = f'{error.resource} was not found ({_ids(error.ids)})'
    return [_input(f"field '{error.field}'", f'{message}: {error.hint}' if error.hint else message)]


@wire_messages.register
def _(error: errors.AlreadyExists):
    return [f'Resource Error - {error.resource} already exists ({_ids(error.ids)})']


@wire_messages.register
def _(error: errors.StillAssociated):
    return [f'Resource Error - {error.resource} is associated with a {error.associated} ({_ids(error.ids)})']


@wire_messages.register
def _(error: errors.StillInherited):
    listed = ', '.join(f"{resource} '{name}' ({uuid})" for resource, name, uuid in error.children)
    return [f'Resource Error - {error.resource} is inherited by: {listed}']


@wire_messages.register
def _(error: errors.Refused):
    return [
        f'{message} {where}' if where else message
        for problem, where in error.problems
        for message in wire_messages(problem)
    ]


@wire_messages.register
def _(error: errors.Conflict):
    causes = wire_messages(error.cause) if error.cause is not None else []
    return [f'Conflict Error - {error.message}' + (f': {"; ".join(causes)}' if causes else '')]


@wire_messages.register
def _(error: errors.Unavailable):
    return [error.message]
