# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two chan_sip lines that carry credentials in a compact syntax.

[general]        register => [peer?][transport://]user[@domain][:secret[:authuser]]@host[:port][/extension][~expiry]
[authentication] auth = user:secret@realm  (or user#md5secret@realm)

Both parsers raise ValueError on malformed text; the parser adds the file and line.
"""
import re
from dataclasses import dataclass

from .addresses import split_hostport

_TRANSPORT_PREFIX = re.compile(r'(udp|tcp|tls)://', re.IGNORECASE)


@dataclass(frozen=True)
class Registration:
    user: str
    host: str
    port: str | None = None
    secret: str | None = None
    authuser: str | None = None
    domain: str | None = None
    extension: str | None = None
    expiry: str | None = None
    transport: str | None = None
    peer: str | None = None
    file: str = ''
    line_no: int = 0


@dataclass(frozen=True)
class RealmCredential:
    user: str
    realm: str
    secret: str | None = None
    md5secret: str | None = None
    file: str = ''
    line_no: int = 0


def parse_register(text, file='', line_no=0):
    rest = text.strip()
    user_part, at, host_part = rest.rpartition('@')
    if not at:
        raise ValueError(f"register line '{text}' has no '@host'")
    host_part, expiry = _split_expiry(host_part)
    address, _, extension = host_part.partition('/')
    host, port = split_hostport(address)

    peer, question, credentials = user_part.partition('?')
    if not question:
        peer, credentials = None, user_part
    transport = None
    prefix = _TRANSPORT_PREFIX.match(credentials)
    if prefix:
        transport = prefix.group(1).lower()
        credentials = credentials[prefix.end() :]
    # chan_sip splits user[@domain], secret and authuser on the first two colons.
    user_and_domain, _, secrets = credentials.partition(':')
    secret, _, authuser = secrets.partition(':')
    user, _, domain = user_and_domain.partition('@')
    if not user:
        raise ValueError(f"register line '{text}' has no user")
    return Registration(
        user=user,
        host=host,
        port=port,
        secret=secret or None,
        authuser=authuser or None,
        domain=domain or None,
        extension=extension or None,
        expiry=expiry,
        transport=transport,
        peer=peer or None,
        file=file,
        line_no=line_no,
    )


def _split_expiry(host_part):
    # '~expiry' ends the line; a '~' elsewhere belongs to the text.
    head, tilde, expiry = host_part.rpartition('~')
    if tilde and expiry.isascii() and expiry.isdigit():
        return head, expiry
    return host_part, None


def parse_realm_auth(text, file='', line_no=0):
    credentials, at, realm = text.strip().rpartition('@')
    if not at or not realm:
        raise ValueError(f"auth line '{text}' has no '@realm'")
    for separator, field in ((':', 'secret'), ('#', 'md5secret')):
        user, found, secret = credentials.partition(separator)
        if found and user and secret:
            return RealmCredential(user=user, realm=realm, file=file, line_no=line_no, **{field: secret})
    raise ValueError(f"auth line '{text}' is not user:secret@realm or user#md5secret@realm")
