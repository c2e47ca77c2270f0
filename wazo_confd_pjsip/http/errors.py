# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Errors in the wire format of wazo-confd: the body is always a JSON array of strings."""


class APIError(Exception):
    status_code = 400

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = list(messages)


def _format_ids(ids):
    return ', '.join(f'{key!r}: {value!r}' for key, value in ids.items())


class InputError(APIError):
    def __init__(self, field, message):
        super().__init__(f'Input Error - {field}: {message}')
        self.field = field


class InputErrors(APIError):
    """Several schema errors at once: one string per field."""

    def __init__(self, errors):
        super().__init__(*(f'Input Error - {field}: {message}' for field, message in errors))


class NotFoundError(APIError):
    status_code = 404

    def __init__(self, resource, **ids):
        super().__init__(f'Resource Not Found - {resource} was not found ({_format_ids(ids)})')


class RelatedNotFoundError(APIError):
    """A referenced resource is missing: a 400, since the body is what is wrong."""

    def __init__(self, field, resource, **ids):
        super().__init__(f"Input Error - field '{field}': {resource} was not found ({_format_ids(ids)})")


class ResourceError(APIError):
    def __init__(self, message):
        super().__init__(f'Resource Error - {message}')


class AlreadyExistsError(ResourceError):
    def __init__(self, resource, **ids):
        super().__init__(f'{resource} already exists ({_format_ids(ids)})')


class ResourceAssociatedError(ResourceError):
    """A resource that something else still uses, e.g. a transport of an endpoint."""

    def __init__(self, resource, associated, **ids):
        super().__init__(f'{resource} is associated with a {associated} ({_format_ids(ids)})')


class UnauthorizedError(APIError):
    status_code = 401

    def __init__(self, message='Unauthorized'):
        super().__init__(message)


class ServiceUnavailableError(APIError):
    status_code = 503
