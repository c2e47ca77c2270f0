# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The app of tests/api on the real database, with its bus side on a real RabbitMQ.

Only the tests asking for `bus` or `captured` need the broker; the others run without one.
"""
import time
import uuid

import kombu
import pytest

from integration_tests.rabbitmq import rabbitmq  # noqa: F401 (a fixture)
from tests.api.conftest import (  # noqa: F401 (fixtures)
    api,
    app,
    commit_probes,
    core,
    database,
    engines_config,
    fake_auth,
)
from wazo_confd_pjsip.bus import BusSettings
from wazo_confd_pjsip.bus.connection import wazo_exchange

ORIGIN_UUID = '0a1b2c3d-0000-4000-8000-00000000beef'


def eventually(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'not within the time limit'
        time.sleep(0.05)


def wait_consuming(consumer):
    """Until the consumer reached the broker: its status says so."""
    eventually(lambda: consumer.status() == {'status': 'ok'})


BUS_FIXTURES = frozenset({'bus', 'captured', 'bus_config'})


@pytest.fixture
def config_overrides(request):
    """The broker in the configuration of the tests that use the bus only: the others run without one."""
    if not BUS_FIXTURES & set(request.fixturenames):
        return {}
    return {'uuid': ORIGIN_UUID, 'bus': request.getfixturevalue('rabbitmq').bus_config()}


@pytest.fixture
def bus_settings():
    """A private queue for the consumer, and short retries."""
    return BusSettings(queue_name=f'wazo-confd-pjsip-test-{uuid.uuid4().hex}', durable_queue=False, max_backoff=0.5)


@pytest.fixture
def bus_config(rabbitmq):
    return rabbitmq.bus_config()


@pytest.fixture
def bus(core):
    """The service's publisher and tenant-events consumer, started."""
    core.bus.publisher.start()
    core.bus.consumer.start()
    wait_consuming(core.bus.consumer)
    yield core.bus


class CapturedEvents:
    """The service's events (origin ORIGIN_UUID), from a durable queue bound to the exchange with no filter."""

    def __init__(self, uri, exchange):
        self._uri = uri
        self._queue = kombu.Queue(f'wazo-confd-pjsip-test-capture-{uuid.uuid4().hex}', exchange, durable=True)
        with kombu.Connection(self._uri) as connection:
            self._queue(connection.default_channel).declare()

    def take(self, count, timeout=10.0):
        """Up to `count` messages, oldest first, waiting at most `timeout` seconds for them."""
        messages = []
        deadline = time.monotonic() + timeout
        # A connection per call: the broker may have been restarted since the last one.
        with kombu.Connection(self._uri) as connection:
            queue = self._queue(connection.default_channel)
            while len(messages) < count and time.monotonic() < deadline:
                message = queue.get(no_ack=True)
                if message is None:
                    time.sleep(0.02)
                elif message.headers.get('origin_uuid') == ORIGIN_UUID:
                    messages.append(message)
        return messages

    def delete(self):
        with kombu.Connection(self._uri) as connection:
            self._queue(connection.default_channel).delete()


@pytest.fixture
def captured(rabbitmq, bus_config):
    events = CapturedEvents(rabbitmq.uri, wazo_exchange(bus_config))
    yield events
    events.delete()
