# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sends bus events from a background thread, so that the broker never slows down or fails a request.

Events wait in a bounded in-memory FIFO. While the broker is unreachable the thread retries the
oldest event with exponential backoff, then sends the rest in order. With publisher confirms an
event counts as sent once the broker has accepted it: one in flight when the connection died is
sent again (at least once, rather than silently lost).
"""
import logging
import queue
import threading
import time

import kombu

from .connection import CONNECT_TIMEOUT, Backoff, connect_once

logger = logging.getLogger(__name__)

PERSISTENT = 2
IDLE_POLL_SECONDS = 0.5


# A sip.conf import of tens of thousands of peers commits that many events at once: they must all
# wait for the broker. ~1 KiB each: the bound only protects memory during a long broker outage.
MAX_QUEUED_EVENTS = 500_000


class BusPublisher:
    def __init__(self, url, exchange, *, max_queued=MAX_QUEUED_EVENTS, max_backoff=30.0, confirm_timeout=10.0):
        self._url = url
        self._exchange = exchange
        self._queue = queue.Queue(maxsize=max_queued)
        self._backoff = Backoff(maximum=max_backoff)
        self._confirm_timeout = confirm_timeout
        self._stopping = threading.Event()
        self._drain_deadline = None
        self._thread = None
        self._connection = None
        self._producer = None
        self._broker_down = False
        self._dropped = 0
        self._dropped_lock = threading.Lock()

    # --- called by the service

    def start(self):
        self._thread = threading.Thread(target=self._run, name='bus-publisher', daemon=True)
        self._thread.start()

    def stop(self, drain_timeout=5.0):
        """Send what is still queued, for drain_timeout seconds at most if the broker answers."""
        self._drain_deadline = time.monotonic() + drain_timeout
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(drain_timeout + self._confirm_timeout)

    def publish(self, event):
        """Queue the event for the thread; never blocks. A full queue drops it, loudly."""
        # Serialised here: an event that cannot be must fail its caller, not block the queue's head.
        message = (event, event.payload())
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            with self._dropped_lock:
                self._dropped += 1
                first = self._dropped == 1
            if first:
                logger.error(
                    'bus: %d events already wait for the broker; dropping new events (first: %s) until it catches up',
                    self._queue.maxsize,
                    event.name,
                )

    # --- the thread

    def _run(self):
        pending = None
        while True:
            if pending is None:
                pending = self._next_message()
            if pending is None or self._past_drain_deadline():
                break
            if self._try_send(*pending):
                pending = None
            elif self._stopping.is_set():
                break
            else:
                self._stopping.wait(self._backoff.next_delay())
        self._report_unsent(pending)
        self._disconnect(gracefully=True)

    def _next_message(self):
        """The oldest queued message; None once stopping with nothing left."""
        while not self._stopping.is_set():
            try:
                return self._queue.get(timeout=IDLE_POLL_SECONDS)
            except queue.Empty:
                continue
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None

    def _past_drain_deadline(self):
        return self._stopping.is_set() and time.monotonic() > self._drain_deadline

    def _try_send(self, event, payload):
        try:
            self._connected_producer().publish(
                payload,
                routing_key=event.routing_key,
                headers=event.headers,
                content_type='application/json',
                content_encoding='utf-8',
                delivery_mode=PERSISTENT,
                timeout=self._confirm_timeout,
            )
        except Exception as error:
            # Whatever failed (refused connection, closed channel, missing confirm), the same
            # event goes again on a new connection.
            self._disconnect(gracefully=False)
            if not self._broker_down:
                self._broker_down = True
                logger.warning('bus: cannot publish (%s); events wait in memory until the broker answers', error)
            return False
        if self._broker_down:
            self._broker_down = False
            logger.info('bus: broker reachable again, sending the queued events')
        self._backoff.reset()
        self._report_dropped()
        return True

    def _connected_producer(self):
        if self._producer is None:
            self._connection = kombu.Connection(
                self._url, connect_timeout=CONNECT_TIMEOUT, transport_options={'confirm_publish': True}
            )
            connect_once(self._connection)
            # auto_declare: the exchange exists before the first message, on every new connection.
            self._producer = kombu.Producer(self._connection.channel(), exchange=self._exchange)
        return self._producer

    def _disconnect(self, gracefully):
        connection, self._connection, self._producer = self._connection, None, None
        if connection is None:
            return
        if gracefully:
            try:
                connection.release()
                return
            except Exception:
                logger.debug('bus: closing the publisher connection failed', exc_info=True)
        # A broken connection cannot be closed politely: just free what it holds.
        connection.collect()

    def _report_dropped(self):
        with self._dropped_lock:
            dropped, self._dropped = self._dropped, 0
        if dropped:
            logger.error('bus: %d events were dropped while the queue was full', dropped)

    def _report_unsent(self, pending):
        unsent = self._queue.qsize() + (pending is not None)
        if unsent:
            logger.error('bus: stopping with %d events not sent (broker unreachable)', unsent)
