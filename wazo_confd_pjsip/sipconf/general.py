# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""chan_sip [general] keys that configure the engine: PJSIP [global], [system] and transports."""
from .addresses import format_hostport, is_ipv6, split_hostport
from .values import is_true

GLOBAL_KEYS = {
    'useragent': 'user_agent',
    'sipdebug': 'debug',
    'legacy_useroption_parsing': 'ignore_uri_user_options',
    'realm': 'default_realm',
}
SYSTEM_KEYS = {
    'timert1': 'timer_t1',
    'timerb': 'timer_b',
    'compactheaders': 'compact_headers',
}

_TLS_OPTIONS = {
    'tlscertfile': 'cert_file',
    'tlsprivatekey': 'priv_key_file',
    'tlscafile': 'ca_list_file',
    'tlscapath': 'ca_list_path',
    'tlscipher': 'cipher',
    'tlsclientmethod': 'method',
}
# Keys that belong to one transport; the others ('localnet', extern* addresses, tos/cos) to all.
_PROTOCOL_KEYS = {
    'udp': {'udpbindaddr', 'bindport'},
    'tcp': {'tcpbindaddr', 'externtcpport'},
    'tls': {'tlsbindaddr', 'externtlsport', *_TLS_OPTIONS},
}
_ENABLING_KEYS = {'tcp': 'tcpenable', 'tls': 'tlsenable'}
_COMMON_KEYS = {'localnet', 'externaddr', 'tos_sip', 'cos_sip'}
_ALIASES = {'bindaddr': 'udpbindaddr', 'externip': 'externaddr', 'externhost': 'externaddr'}
TRANSPORT_KEYS = frozenset(
    set(_ALIASES) | _COMMON_KEYS | set(_ENABLING_KEYS.values()) | set().union(*_PROTOCOL_KEYS.values())
)


def engine_options(general_lines):
    """(global options, system options, positions of the lines mapped); last line wins."""
    global_options, system_options, mapped = {}, {}, set()
    for line in general_lines:
        key = line.key.lower()
        for table, options in ((GLOBAL_KEYS, global_options), (SYSTEM_KEYS, system_options)):
            if key in table and line.value:
                options[table[key]] = line.value
                mapped.add(line.position)
    return global_options, system_options, mapped


def transports(general_lines, on_warning):
    """([(name, options)], positions of the lines mapped).

    chan_sip always listens on UDP; TCP and TLS when enabled. IPv6 binds give 'transport-udp6'...
    """
    last, local_nets = {}, []
    for line in general_lines:
        key = _transport_key(line)
        if key == 'localnet':
            local_nets.append(line)
        elif key in TRANSPORT_KEYS:
            last[key] = line
    value = {key: line.value for key, line in last.items()}.get

    enabled = ['udp'] + [protocol for protocol, key in _ENABLING_KEYS.items() if is_true(value(key))]
    mapped_keys = set(_ENABLING_KEYS.values()) | _COMMON_KEYS
    result = []
    for protocol in enabled:
        try:
            result.append(_transport(protocol, value, local_nets))
        except ValueError as e:
            on_warning(last.get(f'{protocol}bindaddr'), f'no {protocol} transport: {e}')
            continue
        mapped_keys |= _PROTOCOL_KEYS[protocol]
    # Overridden lines (two 'bindaddr') are mapped with their key.
    mapped = {line.position for line in general_lines if _transport_key(line) in mapped_keys}
    return result, mapped


def _transport_key(line):
    key = line.key.lower()
    return _ALIASES.get(key, key)


def _transport(protocol, value, local_nets):
    host, port = split_hostport(value(f'{protocol}bindaddr') or '0.0.0.0')
    if protocol == 'udp':
        port = port or value('bindport')
    options = [('protocol', protocol), ('bind', format_hostport(host, port))]
    if protocol == 'tls':
        options += [(pjsip_key, value(key)) for key, pjsip_key in _TLS_OPTIONS.items() if value(key)]
    if value('externaddr'):
        external_host, external_port = split_hostport(value('externaddr'))
        options += [('external_signaling_address', external_host), ('external_media_address', external_host)]
        signaling_port = {'udp': external_port, 'tcp': value('externtcpport'), 'tls': value('externtlsport')}[protocol]
        if signaling_port:
            options.append(('external_signaling_port', signaling_port))
    options += [('local_net', net.strip()) for line in local_nets for net in line.value.split(',') if net.strip()]
    options += [(pjsip_key, value(key)) for key, pjsip_key in (('tos_sip', 'tos'), ('cos_sip', 'cos')) if value(key)]
    suffix = '6' if is_ipv6(host) else ''
    return f'transport-{protocol}{suffix}', options
