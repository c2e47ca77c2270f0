# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine file: transports, [global] and [system], in a pjsip.conf file Asterisk includes.

Transports are not pushed through ARI: a deleted transport keeps its socket until Asterisk
restarts, and bind/protocol/TLS changes only apply with allow_reload. So the file is rewritten and
res_pjsip reloaded (RELOADED_MODULE); what only a restart can apply is reported.
"""
from .renderer import render_pjsip_conf

RELOADED_MODULE = 'res_pjsip.so'

ENGINE_FILE_HEADER = '; Written by wazo-confd-pjsip: engine-wide sections. Endpoints are pushed through ARI.\n\n'
# The complete pjsip.conf of one engine (apply/full_render.py): for an Asterisk without ARI push, and export.
FULL_RENDER_HEADER = '; Written by wazo-confd-pjsip: engine-wide sections and every endpoint, flattened.\n\n'

# Transport options a module reload does not apply to an existing socket: Asterisk keeps the socket and
# its TLS settings ("not reloading: protocol, bind, TLS, TCP, ToS, or CoS options"); ToS/CoS and TCP
# keepalives are set on the socket when it is opened (seen: a new tos shows in the CLI, not on the wire).
RESTART_TRANSPORT_OPTIONS = frozenset(
    {
        'bind', 'protocol', 'cert_file', 'priv_key_file', 'ca_list_file', 'ca_list_path', 'cipher', 'method',
        'password', 'verify_client', 'verify_server', 'require_client_cert', 'tos', 'cos',
        'tcp_keepalive_enable', 'tcp_keepalive_idle_time', 'tcp_keepalive_interval_time', 'tcp_keepalive_probe_count',
    }
)  # fmt: skip


def render(objects, header=ENGINE_FILE_HEADER):
    return header + render_pjsip_conf(objects)


def restart_reasons(previous, current):
    """Why the new sections need an Asterisk restart, compared with what was last written."""
    if previous is None:
        return []
    reasons = []
    if previous.get('system:system') != current.get('system:system'):
        reasons.append('the [system] section changed')
    for key, old_lines in previous.items():
        if not key.startswith('transport:'):
            continue
        name = key.split(':', 1)[1]
        new_lines = current.get(key)
        if new_lines is None:
            reasons.append(f'transport {name} was removed (its socket stays bound)')
        elif _socket_options(old_lines) != _socket_options(new_lines):
            reasons.append(f'transport {name} changed its socket options')
    return reasons


def _socket_options(lines):
    return [line for line in lines if line[0] in RESTART_TRANSPORT_OPTIONS]
