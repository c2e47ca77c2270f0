# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What only an Asterisk restart applies to the engine-wide sections (seen on Asterisk 22.10.1)."""
import pytest

from wazo_confd_pjsip.asterisk.engine_file import restart_reasons

UDP = [['protocol', 'udp'], ['bind', '127.0.0.1:5060']]


def sections(transport_lines, system_lines=()):
    return {'transport:transport-udp': transport_lines, 'global:global': [], 'system:system': list(system_lines)}


@pytest.mark.parametrize(
    'line',
    [
        ['tos', '184'],
        ['cos', '3'],
        ['tcp_keepalive_enable', 'yes'],
        ['verify_client', 'yes'],
        ['password', 'key-pass'],
        ['bind', '127.0.0.1:5070'],
    ],
)
def test_a_socket_option_change_needs_a_restart(line):
    # A reload keeps the open socket: a new tos showed in `pjsip show transport`, never on the wire.
    reasons = restart_reasons(sections(UDP), sections(UDP + [line]))

    assert reasons == ['transport transport-udp changed its socket options']


@pytest.mark.parametrize('line', [['local_net', '10.0.0.0/8'], ['external_signaling_address', '192.0.2.10']])
def test_a_reload_applies_the_other_transport_options(line):
    assert restart_reasons(sections(UDP), sections(UDP + [line])) == []


def test_system_and_removed_transports_need_a_restart():
    reasons = restart_reasons(sections(UDP), {'global:global': [], 'system:system': [['timer_t1', '600']]})

    assert reasons == ['the [system] section changed', 'transport transport-udp was removed (its socket stays bound)']
