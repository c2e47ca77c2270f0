"""Listens to Wazo bus events in a background thread, reconnecting whenever the broker goes away.

One queue, bound on the headers exchange once per event name ({"name": ..., "x-match": "all"}).
Each handler receives the event's `data`. A message is acknowledged once handled, even when its
handler failed (logged): a message that always fails must not come back forever.
"""
import json
import logging
import socket
import threading

import kombu

from ..auth.interface import component_status
from .connection import CONNECT_TIMEOUT, Backoff, connect_once

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
POLL_SECONDS = 0.25


def event_bindings(exchange, event_names):
    return [kombu.binding(exchange, arguments={'name': name, 'x-match': 'all'}) for name in event_names]


def decode_event(body, headers):
    """(name, data) of a Wazo event; accepts minimal bodies {"name": ..., "data": {...}}."""
    content = json.loads(body)
    return content.get('name') or headers.get('name'), content['data']


class BusConsumer:
    def __init__(self, url, exchange, queue_name, handlers, *, durable=True, max_backoff=30.0):
        """handlers: event name → callable(data)."""
        self._url = url
        self._handlers = dict(handlers)
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

    def wait_consuming(self, timeout):
        return self._consuming.wait(timeout)

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
            with connection.Consumer([self._queue], on_message=self._on_message):
                self._consuming.set()
                self._backoff.reset()
                logger.info('bus: consuming %s', ', '.join(self._handlers))
                while not self._stopping.is_set():
                    try:
                        connection.drain_events(timeout=POLL_SECONDS)
                    except socket.timeout:
                        connection.heartbeat_check()

    def _on_message(self, message):
        try:
            name, data = decode_event(message.body, message.headers or {})
            handler = self._handlers[name]
            handler(data)
        except Exception:
            logger.exception('bus: could not handle the message %r', message.body[:1000])
        finally:
            message.ack()
