# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""[general] 'register =>' lines -> endpoints holding a registration and its outbound auth."""
import re
from typing import NamedTuple

from ..asterisk import syntax
from .addresses import sip_uri
from .peer_options import outbound_proxy

_DEFAULTS = {'retry_interval': '20', 'max_retries': '10', 'expiration': '120'}
SETTING_KEYS = {
    'registertimeout': 'retry_interval',
    'registerattempts': 'max_retries',
    'defaultexpiry': 'expiration',
    'outboundproxy': 'outbound_proxy',
}
# chan_sip 'registerattempts = 0' retries forever; PJSIP max_retries has no 'forever'.
_MANY_RETRIES = '10000'
_INVALID_ID_CHARACTERS = re.compile(f'[^{syntax.NAME_CHARACTERS}]')
SIP_PORT = '5060'


class Peer(NamedTuple):
    name: str
    address: tuple | None  # (host, port, user) when the peer has a static host


def registration_settings(general_lines, on_warning):
    """([general] registration defaults as registration options, positions of the lines read)."""
    settings, positions = dict(_DEFAULTS), set()
    for line in general_lines:
        option = SETTING_KEYS.get(line.key.lower())
        if option is None or not line.value:
            continue
        positions.add(line.position)
        value = line.value.strip()
        if option == 'max_retries' and value == '0':
            on_warning(line, f'registerattempts = 0 (retry forever) becomes max_retries = {_MANY_RETRIES}')
            value = _MANY_RETRIES
        elif option == 'outbound_proxy':
            value = outbound_proxy(value, lambda message, line=line: on_warning(line, message))
        settings[option] = value
    return settings, positions


def registration_sections(registration, settings, transports, peers):
    """(sections, name of the peer it targets or None, warnings) of the endpoint carrying one registration.

    peers maps lower-cased peer names to Peer. The peer targeted is the one the 'peer?' prefix or the
    host names, else the one whose static host and port are the registrar's.
    """
    warnings = []
    peer, problem = _target_peer(registration, peers)
    if problem:
        warnings.append(problem)
    named_peer = peers.get((registration.peer or registration.host).lower())
    if named_peer and named_peer.address:  # chan_sip reaches the registrar at the named peer's address
        host, port = named_peer.address[0], registration.port or named_peer.address[1]
    else:
        host, port = registration.host, registration.port
    # 'peer?' only says how to reach the registrar: the host written stays the registration's domain.
    client_host, client_port = (registration.host, registration.port) if registration.peer else (host, port)
    options = [
        ('server_uri', sip_uri(host, port)),
        (
            'client_uri',
            (
                f'sip:{registration.user}@{registration.domain}'
                if registration.domain
                else sip_uri(client_host, client_port, registration.user)
            ),
        ),
    ]
    if registration.extension:
        options.append(('contact_user', registration.extension))
    options += [
        ('retry_interval', settings['retry_interval']),
        ('max_retries', settings['max_retries']),
        ('expiration', registration.expiry or settings['expiration']),
    ]
    protocol = registration.transport or 'udp'
    transport = next((transport.name for transport in transports if ('protocol', protocol) in transport.options), None)
    if transport:
        options.append(('transport', transport))
    else:
        warnings.append(f'no {protocol} transport is enabled in [general]: registration without transport')
    if 'outbound_proxy' in settings:
        options.append(('outbound_proxy', settings['outbound_proxy']))
    sections = {'registration': options}
    if registration.secret:
        sections['registration_outbound_auth'] = [
            ('username', registration.authuser or registration.user),
            ('password', registration.secret),
        ]
    return sections, peer, warnings


def _target_peer(registration, peers):
    """(peer name or None, warning or None)."""
    if registration.peer:
        peer = peers.get(registration.peer.lower())
        if peer is None:
            return None, f"register line names unknown peer '{registration.peer}': not linked"
        return peer.name, None
    named = peers.get(registration.host.lower())
    if named:
        return named.name, None
    wanted = (registration.host.lower(), registration.port or SIP_PORT)
    candidates = [
        peer
        for peer in peers.values()
        if peer.address and (peer.address[0].lower(), peer.address[1] or SIP_PORT) == wanted
    ]
    if len(candidates) > 1:
        same_user = [peer for peer in candidates if peer.address[2] in (registration.user, registration.authuser)]
        if len(same_user) != 1:
            names = ', '.join(peer.name for peer in candidates)
            return None, f'register line matches several peers ({names}): not linked'
        candidates = same_user
    return (candidates[0].name if candidates else None), None


def registration_name(registration, taken):
    """'reg_<host>' made a valid PJSIP id, numbered when taken (taken holds lower-cased names)."""
    base = _INVALID_ID_CHARACTERS.sub('_', f'reg_{registration.host}')[: syntax.MAX_ID_LENGTH]
    name, number = base, 1
    while name.lower() in taken:
        number += 1
        suffix = f'_{number}'
        name = base[: syntax.MAX_ID_LENGTH - len(suffix)] + suffix
    return name
