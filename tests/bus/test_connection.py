# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import kombu

from wazo_confd_pjsip.bus.connection import Backoff, broker_url, wazo_exchange
from wazo_confd_pjsip.config import DEFAULT_CONFIG


def test_broker_url_quotes_credentials():
    config = dict(DEFAULT_CONFIG['bus'], username='wazo user', password='p@ss:w/rd', host='rabbit', port=5673)

    url = broker_url(config)

    assert url == 'amqp://wazo%20user:p%40ss%3Aw%2Frd@rabbit:5673//'
    parsed = kombu.Connection(url)
    assert (parsed.userid, parsed.password, parsed.hostname, parsed.port) == ('wazo user', 'p@ss:w/rd', 'rabbit', 5673)


def test_exchange_is_wazo_headers_durable_by_default():
    exchange = wazo_exchange(DEFAULT_CONFIG['bus'])

    assert (exchange.name, exchange.type, exchange.durable, exchange.auto_delete) == (
        'wazo-headers',
        'headers',
        True,
        False,
    )


def test_backoff_doubles_up_to_its_maximum_and_resets():
    backoff = Backoff(initial=0.5, maximum=3.0)

    assert [backoff.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next_delay() == 0.5
