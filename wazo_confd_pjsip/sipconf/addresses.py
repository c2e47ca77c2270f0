# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Host and port texts as chan_sip writes them, and the SIP URIs PJSIP expects (IPv6 in brackets)."""


def split_hostport(text):
    """'host', 'host:port', '[v6]', '[v6]:port' or a bare IPv6 address -> (host, port or None).

    Raises ValueError for a malformed text.
    """
    text = text.strip()
    if text.startswith('['):
        host, bracket, rest = text[1:].partition(']')
        if not bracket:
            raise ValueError(f"unterminated IPv6 address '{text}'")
        if not rest:
            return _checked_host(host, text), None
        if not rest.startswith(':'):
            raise ValueError(f"unexpected text after IPv6 address '{text}'")
        port = rest[1:]
    elif text.count(':') == 1:
        host, port = text.split(':')
    else:  # a name, an IPv4 address or a bare IPv6 address (several colons, no port)
        return _checked_host(text, text), None
    if not is_port(port):
        raise ValueError(f"invalid port '{port}' in '{text}'")
    return _checked_host(host, text), port


def is_port(text):
    return text.isascii() and text.isdigit() and 0 < int(text) < 65536


def _checked_host(host, text):
    if not host:
        raise ValueError(f"missing host in '{text}'")
    return host


def is_ipv6(host):
    return ':' in host


def format_hostport(host, port=None):
    shown = f'[{host}]' if is_ipv6(host) else host
    return f'{shown}:{port}' if port else shown


def sip_uri(host, port=None, user=None):
    user_part = f'{user}@' if user else ''
    return f'sip:{user_part}{format_hostport(host, port)}'


def proxy_uri(value):
    """chan_sip's '[transport://]host[:port][,force]' as the loose-routing SIP URI PJSIP wants.

    ',force' is dropped: PJSIP always sends through its outbound proxy.
    """
    text = value.split(',')[0].strip()
    if text.lower().startswith(('sip:', 'sips:')):
        return text
    transport, separator, address = text.partition('://')
    if not separator:
        transport, address = '', text
    host, port = split_hostport(address)
    transport = transport.lower()
    transport_param = f';transport={transport}' if transport and transport != 'udp' else ''
    return f'{sip_uri(host, port)};lr{transport_param}'
