# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Transports, [global] and [system] made through the API take effect in a real Asterisk.

The service writes them to the file pjsip.conf includes and reloads res_pjsip: what a reload applies is
read back with the CLI (`pjsip show transport`, `pjsip show settings`) and met by SIP (an OPTIONS answered
on a new port, the Server header of [global]'s user_agent). What only a restart applies ([system], a
transport's socket) is reported by GET /asterisk/pjsip/sync, and applied once Asterisk restarts, when the
service pushes every endpoint again. The module leaves the sections as it found them, applied.
"""
import secrets
import time

import pytest

from .compare import CATALOGUE, endpoint_differences, options
from .conftest import ENDPOINTS, TRANSPORT
from .service import Api
from .sipp import SippError, free_udp_port

TRANSPORTS = '/sip/transports'
GLOBAL, SYSTEM = '/asterisk/pjsip/global', '/asterisk/pjsip/system'
ANSWERED = 401  # an OPTIONS from nobody reaches Asterisk's SIP stack, which challenges it
RESTART_TIMEOUT = 30.0


@pytest.fixture(scope='module')
def master(service):
    """The API as the engine owner (the master tenant)."""
    return Api(service.url)


@pytest.fixture(scope='module', autouse=True)
def sections_restored(master, asterisk):
    """[global], [system] and the transports as they were before the module, and applied."""
    saved = {section: master.get(section)['options'] for section in (GLOBAL, SYSTEM)}
    transports = {transport['uuid'] for transport in master.get(TRANSPORTS)['items']}
    yield
    for section, section_options in saved.items():
        master.put(section, {'options': section_options})
    for transport in master.get(TRANSPORTS)['items']:
        if transport['uuid'] not in transports:
            master.delete(f'{TRANSPORTS}/{transport["uuid"]}')
    if sync_state(master)['restart_required']:
        restart(master, asterisk)
    assert sync_state(master)['restart_required'] is None


def sync_state(master):
    return master.get('/asterisk/pjsip/sync')['engines']['default']


def restart(master, asterisk):
    """Restart Asterisk; returns once the service has pushed everything again to the new process."""
    last_push = sync_state(master)['last_full_resync_at']
    asterisk.restart()
    startup_time = asterisk.startup_time()
    deadline = time.monotonic() + RESTART_TIMEOUT
    while True:
        state = sync_state(master)
        if state['startup_time'] == startup_time and state['last_full_resync_at'] != last_push:
            return state
        assert time.monotonic() < deadline, f'no full push after the restart within {RESTART_TIMEOUT} s: {state}'
        time.sleep(0.1)


def parameters(text):
    """The `name : value` lines of a `pjsip show` command."""
    lines = (line.partition(' : ') for line in text.splitlines())
    return {name.strip(): value.strip() for name, separator, value in lines if separator}


def settings(asterisk):
    """[global] and [system] as Asterisk applies them."""
    global_part, _, system_part = asterisk.cli('pjsip show settings').partition('System Settings:')
    return {'global': parameters(global_part), 'system': parameters(system_part)}


def transport_shown(asterisk, name):
    return parameters(asterisk.cli(f'pjsip show transport {name}'))


def answers(port, timeout=10):
    return options(port, 'nobody', timeout=timeout).statuses == [ANSWERED]


def create_transport(master, name, port, *lines):
    body = {'name': name, 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{port}'], *lines]}
    return master.post(TRANSPORTS, body)['uuid']


def test_a_transport_made_through_the_api_listens_and_takes_its_options(master, asterisk):
    name, port = f'transport-{secrets.token_hex(4)}', free_udp_port()
    uuid = create_transport(master, name, port, ['local_net', '10.0.0.0/8'])

    assert transport_shown(asterisk, name)['bind'] == f'127.0.0.1:{port}'
    assert transport_shown(asterisk, name)['local_net'] == '10.0.0.0/255.0.0.0'
    assert answers(port)

    master.put(
        f'{TRANSPORTS}/{uuid}',
        {
            'options': [
                ['protocol', 'udp'],
                ['bind', f'127.0.0.1:{port}'],
                ['local_net', '192.168.0.0/16'],
                ['external_signaling_address', '192.0.2.10'],
            ]
        },
    )
    shown = transport_shown(asterisk, name)
    assert (shown['local_net'], shown['external_signaling_address']) == ('192.168.0.0/255.255.0.0', '192.0.2.10')
    assert sync_state(master)['restart_required'] is None  # a reload applied it all

    master.delete(f'{TRANSPORTS}/{uuid}')
    assert name not in asterisk.cli('pjsip show transports')
    assert f'transport {name} was removed' in sync_state(master)['restart_required']  # its socket stays bound
    assert TRANSPORT in asterisk.cli('pjsip show transports')


def test_global_options_apply_on_reload(master, asterisk, sip_port):
    saved = master.get(GLOBAL)['options']
    agent = f'wazo-test-{secrets.token_hex(4)}'
    master.put(GLOBAL, {'options': saved | {'user_agent': agent, 'max_forwards': '42'}})

    applied = settings(asterisk)['global']
    assert (applied['user_agent'], applied['max_forwards']) == (agent, '42')
    assert f'Server: {agent}' in options(sip_port, 'nobody').messages

    master.put(GLOBAL, {'options': saved})
    applied = settings(asterisk)['global']
    assert applied['user_agent'] == saved['user_agent']
    assert applied['max_forwards'] == CATALOGUE.spec('global', 'max_forwards').default  # a removed option


def test_what_only_a_restart_applies_waits_for_it(api, master, asterisk):
    name = f'line-{secrets.token_hex(4)}'
    endpoint = api.post(
        ENDPOINTS,
        {
            'name': name,
            'endpoint_section_options': [['context', 'from-test']],
            'auth_section_options': [['username', name], ['password', 'secret']],
            'aor_section_options': [['max_contacts', '1']],
        },
    )['uuid']
    timers = {'timer_t1': '600', 'timer_b': '38400'}  # timer_b at least 64 x timer_t1
    before = settings(asterisk)['system']
    old_port, new_port = free_udp_port(), free_udp_port()
    transport_name = f'transport-{secrets.token_hex(4)}'
    transport = create_transport(master, transport_name, old_port)

    master.put(SYSTEM, {'options': master.get(SYSTEM)['options'] | timers})
    master.put(f'{TRANSPORTS}/{transport}', {'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{new_port}']]})

    waiting = sync_state(master)['restart_required']
    assert 'the [system] section changed' in waiting
    assert f'transport {transport_name} changed its socket options' in waiting
    assert {key: settings(asterisk)['system'][key] for key in timers} == {key: before[key] for key in timers}
    assert answers(old_port)
    with pytest.raises(SippError):
        answers(new_port, timeout=1)

    state = restart(master, asterisk)

    assert state['restart_required'] is None
    assert {key: settings(asterisk)['system'][key] for key in timers} == timers
    assert answers(new_port)
    differences = endpoint_differences(api, asterisk, endpoint)
    assert not differences, '\n'.join(differences)
