# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the services refuse, in the domain's own terms.

Raised below HTTP (services, validators, dao); `http.errors.wire_messages` is the one place that
turns each into wazo-confd's wire text and status. `resource` values are the names wazo-confd
gives its resources in those texts (SIPEndpoint, Transport...).
"""
from collections.abc import Mapping, Sequence


class DomainError(Exception):
    pass


class InvalidInput(DomainError):
    """One field of the request is wrong; field None when the message locates itself."""

    def __init__(self, field: str | None, message: str):
        super().__init__(field, message)
        self.field = field
        self.message = message


class InvalidInputs(DomainError):
    """Several fields at once: (field, message) pairs, in the order found."""

    def __init__(self, errors: Sequence[tuple[str | None, str]]):
        super().__init__(errors)
        self.errors = list(errors)


class _AboutOne(DomainError):
    """About one resource, named by its ids (uuid=..., name=...)."""

    def __init__(self, resource: str, **ids):
        super().__init__(resource, ids)
        self.resource = resource
        self.ids: Mapping[str, object] = ids


class NotFound(_AboutOne):
    pass


class RelatedNotFound(DomainError):
    """A resource the body refers to is missing: the body is what is wrong."""

    def __init__(self, field: str, resource: str, *, hint: str | None = None, **ids):
        super().__init__(field, resource, ids)
        self.field = field
        self.resource = resource
        self.hint = hint  # what the reader should look for, after wazo-confd's wording
        self.ids: Mapping[str, object] = ids


class AlreadyExists(_AboutOne):
    pass


class StillAssociated(DomainError):
    """A resource that something else still uses, e.g. a transport of an endpoint."""

    def __init__(self, resource: str, associated: str, **ids):
        super().__init__(resource, associated, ids)
        self.resource = resource
        self.associated = associated
        self.ids: Mapping[str, object] = ids


class StillInherited(DomainError):
    """A template that endpoints or templates inherit from: children are (resource, name, uuid)."""

    def __init__(self, resource: str, children: Sequence[tuple[str, str, str]]):
        super().__init__(resource, children)
        self.resource = resource
        self.children = list(children)


class Refused(DomainError):
    """Several refusals found at once (an import): each error with where it was found, or None."""

    def __init__(self, problems: Sequence[tuple[Exception, str | None]]):
        super().__init__(problems)
        self.problems = list(problems)


class Conflict(DomainError):
    """A change that the current state forbids (a revert of a resource changed since...); cause: the
    refusal of the write that found it, if any."""

    def __init__(self, message: str, cause: DomainError | None = None):
        super().__init__(message, cause)
        self.message = message
        self.cause = cause


class Unavailable(DomainError):
    """A service this one needs (wazo-confd) cannot answer now, or is not configured: trying again may help."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
