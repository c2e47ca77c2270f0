# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the publisher and the consumer share: the broker address, the exchange, the retry delays."""
from urllib.parse import quote

import kombu

CONNECT_TIMEOUT = 5.0


def broker_url(bus_config):
    username = quote(bus_config['username'], safe='')
    password = quote(bus_config['password'], safe='')
    return f"amqp://{username}:{password}@{bus_config['host']}:{bus_config['port']}//"


def connect_once(connection):
    """One attempt: kombu's own connect() retries after sleeping 2 s; callers have their backoff."""
    connection.ensure_connection(max_retries=0)
    return connection


def wazo_exchange(bus_config):
    # RabbitMQ refuses to redeclare an existing exchange with other flags: these are Wazo's.
    return kombu.Exchange(bus_config['exchange_name'], type=bus_config['exchange_type'], durable=True)


class Backoff:
    """Exponential delays between reconnection attempts, back to the first one after a success."""

    def __init__(self, initial=0.5, maximum=30.0):
        self._initial = initial
        self._maximum = maximum
        self._next = initial

    def next_delay(self):
        delay = self._next
        self._next = min(self._maximum, self._next * 2)
        return delay

    def reset(self):
        self._next = self._initial
