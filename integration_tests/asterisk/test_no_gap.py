# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Live changes a phone never notices: no moment without its endpoint, its registration and its call kept.

Every endpoint carries a ``set_var`` (``__WAZO_TENANT_UUID``). A stock Asterisk 22 cannot merge such an
endpoint, so each change of it is a DELETE then a PUT: the gap is measured by ``make bench
BENCH_ARGS=gap``, not asserted here. An Asterisk built with contrib/asterisk/patches merges it: a
poller reading the endpoint between every two changes never finds it absent or offline. A call held
by a sipp phone lives through the changes on both builds, and through POST /sync.
"""
import os
from pathlib import Path

import pytest

from tests.databases import create_database, drop_database
from wazo_confd_pjsip.asterisk import probe
from wazo_confd_pjsip.asterisk.ari import AriClient

from .conftest import TRANSPORT, remove_tenant_objects
from .engine import ARI_PASSWORD, ARI_USER, AsteriskEngine, free_port
from .live_changes import (
    CHANGES,
    EXTENSIONS,
    HOLD_EXTENSION,
    PASSWORD,
    Poller,
    Target,
    change_endpoint,
    change_template,
    registered_line,
)
from .service import MASTER_TOKEN, SUB_TENANT, Api, ServiceProcess
from .sipp import Sipp
from .test_sip import contacts, wait_for

PATCHED_PREFIX = Path(os.environ.get('WAZO_TEST_ASTERISK_PATCHED_PREFIX', '/opt/asterisk-patched'))


@pytest.fixture(scope='module')
def patched_asterisk():
    engine = AsteriskEngine(PATCHED_PREFIX)
    engine.configure()
    engine.stop()
    engine.start()
    # Else every test below would pass for nothing: the engine must be the one that merges.
    with AriClient(engine.ari_url, ARI_USER, ARI_PASSWORD) as client:
        assert probe.merges_set_var(client), f'{PATCHED_PREFIX} is not built with contrib/asterisk/patches'
    yield engine
    engine.stop()
    engine.restore()


@pytest.fixture(scope='module')
def patched_target(service_command, work_dir, postgres_server_uri, patched_asterisk):  # noqa: F811
    db_uri, name = create_database(postgres_server_uri, prefix='asterisk_no_gap')
    process = ServiceProcess(
        service_command,
        work_dir / 'no-gap',
        db_uri,
        {'default': patched_asterisk.engine_config()},
        extra_config={'apply': {'health_interval': 1.0}},
    )
    process.start()
    sip_port = free_port()
    Api(process.url).post(
        '/sip/transports', {'name': TRANSPORT, 'options': [['protocol', 'udp'], ['bind', f'127.0.0.1:{sip_port}']]}
    )
    yield Target(patched_asterisk, Api(process.url, MASTER_TOKEN, SUB_TENANT), sip_port)
    process.stop()
    drop_database(postgres_server_uri, name)


@pytest.fixture(params=['patched', 'stock'])
def target(request):
    """The patched engine with its own service, or the suite's (stock) engine and service."""
    if request.param == 'patched':
        chosen = request.getfixturevalue('patched_target')
    else:
        chosen = Target(request.getfixturevalue('asterisk'), request.getfixturevalue('api'), 0)
        chosen.sip_port = request.getfixturevalue('sip_port')
    chosen.engine.load_dialplan(EXTENSIONS)
    yield chosen
    remove_tenant_objects(chosen.api)
    chosen.engine.unload_dialplan()


@pytest.fixture
def patched(patched_target):
    patched_target.engine.load_dialplan(EXTENSIONS)
    yield patched_target
    remove_tenant_objects(patched_target.api)
    patched_target.engine.unload_dialplan()


@pytest.mark.parametrize('change', [change_endpoint, change_template], ids=['endpoint', 'template'])
def test_the_endpoint_is_never_absent_nor_offline_during_changes_on_a_patched_asterisk(patched, change):
    line = registered_line(patched)
    poller = Poller(patched.engine, line.name)
    poller.start()
    try:
        poller.wait_for_next_poll()
        for index in range(CHANGES):
            option, value = change(patched, line, index)
            poller.wait_for_next_poll()
    finally:
        poller.stop()

    assert set(poller.seen) == {'online'}, poller.seen
    assert poller.seen['online'] >= CHANGES
    assert patched.engine.object('endpoint', line.name)[option] == [value]  # the changes reached Asterisk
    assert contacts(patched.engine, line.name) == [line.phone.contact]


def channels_of(engine, name):
    return [c['name'] for c in engine.ari('GET', '/channels').json() if c['name'].startswith(f'PJSIP/{name}-')]


def held_call(target, line):
    """A call of the phone into the hold extension, answered; sipp hangs it up after 20 s."""
    call = Sipp(
        'call_held.xml',
        f'127.0.0.1:{target.sip_port}',
        keys={'exten': HOLD_EXTENSION, 'caller': line.name},
        credentials=(line.phone.username, PASSWORD),
        timeout=40,
    ).start()
    if not wait_for(lambda: len(channels_of(target.engine, line.name)) == 1, timeout=10):
        call.wait()  # raises with what sipp exchanged
        raise AssertionError('no channel for the call')
    return call


def test_a_call_lives_through_endpoint_and_template_changes(target):
    line = registered_line(target)
    call = held_call(target, line)

    for index in range(CHANGES):
        change_endpoint(target, line, index)
    for index in range(CHANGES):
        change_template(target, line, index)

    assert len(channels_of(target.engine, line.name)) == 1  # still up, and not yet ended by the phone
    call.wait()  # raises when Asterisk sent a BYE, or anything but 200 answered the phone's BYE
    assert target.engine.object('endpoint', line.name)['accountcode'] == [f'acct{CHANGES - 1}']
    assert contacts(target.engine, line.name) == [line.phone.contact]


def last_full_push(master):
    return master.get('/asterisk/pjsip/sync')['engines']['default']['last_full_resync_at']


def test_sync_keeps_the_registration_and_the_call_and_puts_back_what_asterisk_lost(target):
    line = registered_line(target)
    call = held_call(target, line)
    lost = f'/asterisk/config/dynamic/res_pjsip/auth/{line.name}'
    assert target.engine.ari('DELETE', lost).status_code == 204  # behind the service's back
    master = Api(target.api.url, MASTER_TOKEN)  # /sync is the master tenant's
    before = last_full_push(master)

    master.request('POST', '/asterisk/pjsip/sync', 204)

    assert wait_for(lambda: last_full_push(master) != before, timeout=30), 'the resync did not run'
    assert target.engine.object('auth', line.name)['username'] == [line.phone.username]
    assert contacts(target.engine, line.name) == [line.phone.contact]
    assert len(channels_of(target.engine, line.name)) == 1
    call.wait()  # raises when Asterisk hung up the call
