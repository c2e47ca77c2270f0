# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Listens to Wazo bus events in a background thread, reconnecting whenever the broker goes away.

One queue, bound on the headers exchange once per event name ({"name": ..., "x-match": "all"}).
Each handler receives the event's `data` and its tenant (the `tenant_uuid` header wazo-bus gives a
tenant's events; None when there is none). A message is acknowledged once handled. When its handler
fails (PostgreSQL down...), the message goes back to the queue after a short delay, at its place:
messages are taken one at a time, so tenant events keep their order. After `max_redeliveries`
failed redeliveries it is dropped and logged as an error: a message that always fails must not
block the queue forever. A message no retry can help (`UnusableEvent`) is dropped at once.
"""
import json
import logging
import socket
import threading
import uuid
from typing import NamedTuple

import kombu

from ..auth.interface import component_status
from .connection import CONNECT_TIMEOUT, Backoff, connect_once

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
POLL_SECONDS = 0.25
MAX_REDELIVERIES = 5
FIRST_RETRY_DELAY = 0.5  # doubled at each failure: 0.5 to 8 s, well within the heartbeat
_SHOWN_BODY_LENGTH = 1000


class UnusableEvent(ValueError):
    """A message no retry can handle (not a Wazo event, no handler, data without what it needs)."""


def event_bindings(exchange, event_names):
    return [kombu.binding(exchange, arguments={'name': name, 'x-match': 'all'}) for name in event_names]


class WazoEvent(NamedTuple):
    name: str
    data: object
    tenant_uuid: str | None  # of a tenant's event (wazo-bus's TenantEvent), else None


def decode_event(body, headers):
    """The Wazo event of a message; accepts minimal bodies {"name": ..., "data": {...}}."""
    try:
        content = json.loads(body)
        name, data = content.get('name') or headers.get('name'), content['data']
        tenant = headers.get('tenant_uuid') or content.get('tenant_uuid')
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnusableEvent(f'not a Wazo event ({error!r})') from error
    return WazoEvent(name, data, _uuid_or_none(tenant))


def _uuid_or_none(value):
    try:
        return str(uuid.UUID(value))
    except (TypeError, ValueError, AttributeError):
        return None


class BusConsumer:
    def __init__(
        self, url, exchange, queue_name, handlers, *, durable=True, max_backoff=30.0, max_redeliveries=MAX_REDELIVERIES
    ):
        """handlers: event name → callable(data), raising UnusableEvent for data it can never handle.

        max_backoff also bounds the delay before a failed message is tried again."""
        self._url = url
        self._handlers = dict(handlers)
        self._max_backoff = max_backoff
        self._max_redeliveries = max_redeliveries
        # body → failed attempts so far: the broker flags a redelivery but does not count them
        self._failures = {}
        self._queue = kombu.Queue(
            queue_name,
            bindings=event_bindings(exchange, self._handlers),
            durable=durable,
            auto_delete=not durable,
        )
        self._backoff = Backoff(maximum=max_backoff)
        self._stopping = threading.Event()
        self._consuming = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._run, name='bus-consumer', daemon=True)
        self._thread.start()

    def stop(self, timeout=5.0):
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def status(self):
        return component_status(self._consuming.is_set())

    def _run(self):
        outage_reported = False
        while not self._stopping.is_set():
            try:
                self._consume()
            except Exception as error:
                if self._consuming.is_set():
                    outage_reported = False  # it was consuming: a new outage begins
                if not outage_reported and not self._stopping.is_set():
                    logger.warning('bus: consumer disconnected (%s); reconnecting', error)
                    outage_reported = True
            finally:
                self._consuming.clear()
            self._stopping.wait(self._backoff.next_delay())

    def _consume(self):
        with kombu.Connection(self._url, connect_timeout=CONNECT_TIMEOUT, heartbeat=HEARTBEAT_SECONDS) as connection:
            connect_once(connection)
            # Declares the queue and its bindings, again on every new connection.
            # One unacknowledged message at a time: a requeued one comes back before the next.
            with connection.Consumer([self._queue], on_message=self._on_message, prefetch_count=1):
                self._consuming.set()
                self._backoff.reset()
                logger.info('bus: consuming %s', ', '.join(self._handlers))
                while not self._stopping.is_set():
                    try:
                        connection.drain_events(timeout=POLL_SECONDS)
                    except socket.timeout:
                        connection.heartbeat_check()

    def _on_message(self, message):
        shown = message.body[:_SHOWN_BODY_LENGTH]
        try:
            event = decode_event(message.body, message.headers or {})
            if event.name not in self._handlers:
                raise UnusableEvent(f'no handler for {event.name!r}')
            self._handlers[event.name](event.data, event.tenant_uuid)
        except UnusableEvent as error:
            logger.error('bus: message dropped, %s: %r', error, shown)
        except Exception:
            if self._retry_later(message, shown):
                return
        self._failures.pop(message.body, None)
        message.ack()

    def _retry_later(self, message, shown):
        """Put a message whose handler failed back in the queue, unless it failed too often (logged)."""
        redelivered = message.delivery_info.get('redelivered', False)
        failures = (self._failures.get(message.body, 0) if redelivered else 0) + 1
        if failures > self._max_redeliveries:
            logger.error('bus: message dropped after %d failed attempts: %r', failures, shown, exc_info=True)
            return False
        self._failures[message.body] = failures
        logger.warning(
            'bus: could not handle the message %r (attempt %d), trying again', shown, failures, exc_info=True
        )
        # Not at once: what failed (the database...) needs a moment; a stop cuts the wait short.
        self._stopping.wait(min(self._max_backoff, FIRST_RETRY_DELAY * 2 ** (failures - 1)))
        message.requeue()
        return True
