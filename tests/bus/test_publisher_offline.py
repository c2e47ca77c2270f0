# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The publisher without a broker: requests must never wait for it, losses must be said."""
import logging
import socket
import time

import kombu
import pytest

from wazo_confd_pjsip.bus.events import event_for_change
from wazo_confd_pjsip.bus.publisher import BusPublisher
from wazo_confd_pjsip.database.session import Action, Change, Resource

EXCHANGE = kombu.Exchange('wazo-headers', type='headers', durable=True)


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    return f'amqp://guest:guest@127.0.0.1:{port}//'


def an_event(number=0):
    return event_for_change(
        Change(Resource.PJSIP_GLOBAL, Action.UPDATED), f'origin-{number}', '2024-01-01T00:00:00+00:00'
    )


@pytest.fixture
def offline_publisher():
    publisher = BusPublisher(closed_port_url(), EXCHANGE, max_queued=3, max_backoff=0.05)
    yield publisher
    publisher.stop(drain_timeout=0)


def test_publish_never_waits_for_an_unreachable_broker(offline_publisher, caplog):
    offline_publisher.start()
    started = time.monotonic()

    for number in range(3):
        offline_publisher.publish(an_event(number))

    assert time.monotonic() - started < 0.1
    time.sleep(0.2)  # the thread tries, fails, backs off
    assert 'events wait in memory until the broker answers' in caplog.text


def test_full_queue_drops_new_events_and_says_so_once(offline_publisher, caplog):
    caplog.set_level(logging.ERROR, logger='wazo_confd_pjsip.bus.publisher')

    for number in range(6):
        offline_publisher.publish(an_event(number))

    full_logs = [record for record in caplog.records if 'dropping new events' in record.getMessage()]
    assert len(full_logs) == 1
    assert '3 events already wait' in full_logs[0].getMessage()


def test_stop_reports_the_events_it_could_not_send(caplog):
    publisher = BusPublisher(closed_port_url(), EXCHANGE, max_backoff=0.05)
    publisher.start()
    for number in range(4):
        publisher.publish(an_event(number))

    started = time.monotonic()
    publisher.stop(drain_timeout=1.0)

    assert time.monotonic() - started < 2.0
    assert 'stopping with 4 events not sent' in caplog.text


def test_an_event_that_cannot_be_serialised_fails_its_caller_not_the_queue(offline_publisher):
    bad = event_for_change(Change(Resource.PJSIP_GLOBAL, Action.UPDATED, data={'x': object()}), 'o', 't')

    with pytest.raises(TypeError):
        offline_publisher.publish(bad)
