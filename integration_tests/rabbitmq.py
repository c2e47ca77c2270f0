# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real RabbitMQ for the tests that need the Wazo bus.

Found at WAZO_CONFD_PJSIP_TEST_AMQP_URI, else on localhost:5672, where Debian's rabbitmq-server is
started (and left running, like the system service it is) when installed but not running.
Without a broker those tests are skipped, except in CI (CI=true), where they fail.
"""
import contextlib
import dataclasses
import os
import shutil
import subprocess
import time

import kombu
import pytest

AMQP_URI_VARIABLE = 'WAZO_CONFD_PJSIP_TEST_AMQP_URI'
LOCAL_URI = 'amqp://guest:guest@127.0.0.1:5672//'
LOCAL_HOSTS = ('127.0.0.1', 'localhost', '::1')
START_TIMEOUT = 60.0


@dataclasses.dataclass(frozen=True)
class Broker:
    uri: str
    # rabbitmqctl can stop and start it: for the broker-outage tests
    controllable: bool

    def bus_config(self):
        connection = kombu.Connection(self.uri)
        return {
            'enabled': True,
            'host': connection.hostname,
            'port': connection.port or 5672,
            'username': connection.userid,
            'password': connection.password,
            'exchange_name': 'wazo-headers',
            'exchange_type': 'headers',
        }

    @contextlib.contextmanager
    def stopped(self):
        """The broker's application stopped (connections refused), then started again."""
        if not self.controllable:
            unavailable('rabbitmqctl cannot control the test broker')
        _rabbitmqctl('stop_app')
        try:
            yield
        finally:
            _rabbitmqctl('start_app')
            if not _wait_until_reachable(self.uri, START_TIMEOUT):
                raise RuntimeError('the test broker did not come back after start_app')


def unavailable(reason):
    if os.environ.get('CI') == 'true':
        pytest.fail(f'{reason} (CI must run the bus tests: see .ci/run)', pytrace=False)
    pytest.skip(reason)


def is_reachable(uri):
    try:
        with kombu.Connection(uri, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=0)
    except Exception:
        return False
    return True


def _wait_until_reachable(uri, timeout):
    deadline = time.monotonic() + timeout
    while not is_reachable(uri):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def _rabbitmqctl(*args):
    subprocess.run(['rabbitmqctl', '-q', *args], check=True, capture_output=True, timeout=60)


def _start_local_broker():
    if shutil.which('rabbitmq-server') is None:
        return False
    started = subprocess.run(['rabbitmq-server', '-detached'], capture_output=True, timeout=60)
    return started.returncode == 0 and _wait_until_reachable(LOCAL_URI, START_TIMEOUT)


def find_broker():
    uri = os.environ.get(AMQP_URI_VARIABLE)
    if uri:
        if not is_reachable(uri):
            unavailable(f'no AMQP broker answers at {AMQP_URI_VARIABLE}')
    else:
        uri = LOCAL_URI
        if not is_reachable(uri) and not _start_local_broker():
            unavailable(f'no RabbitMQ on localhost:5672 (apt-get install rabbitmq-server, or set {AMQP_URI_VARIABLE})')
    local = kombu.Connection(uri).hostname in LOCAL_HOSTS
    return Broker(uri, controllable=local and shutil.which('rabbitmqctl') is not None)


@pytest.fixture(scope='session')
def rabbitmq():
    return find_broker()
