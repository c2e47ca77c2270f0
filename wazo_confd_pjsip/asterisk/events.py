# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Asterisk's ARI events websocket, watched for its connection alone.

ARI accepts the websocket only once Asterisk is fully booted (503 before), and the connection
drops when Asterisk stops or dies: so a restart, an outage and a return are seen within
milliseconds, where a poll of /asterisk/info sees them at its next turn. Each connection gets a
number (`epoch`): two reads of the same number mean the same Asterisk process all along.

Connecting registers a Stasis application, `app`, that no call is ever sent to; its events are
read and dropped. A connection silent for `ping_interval` is pinged, and one that does not answer
within another interval counts as dropped (a network cut sends no FIN).
"""
import base64
import logging
import threading

import websocket

logger = logging.getLogger(__name__)

RECONNECT_INTERVAL = 0.05  # seconds between two attempts while Asterisk does not accept it
PING_INTERVAL = 5.0


class AriEventsWatch:
    def __init__(
        self,
        ari_url,
        username,
        password,
        app,
        on_change,
        timeout=5.0,
        reconnect_interval=RECONNECT_INTERVAL,
        ping_interval=PING_INTERVAL,
    ):
        self._url = f'{_websocket_base(ari_url)}/events?app={app}'
        token = base64.b64encode(f'{username}:{password}'.encode()).decode('ascii')
        self._header = [f'Authorization: Basic {token}']
        self._on_change = on_change
        self._timeout = timeout
        self._reconnect_interval = reconnect_interval
        self._ping_interval = ping_interval
        self._lock = threading.Lock()
        self._connections = 0
        self._epoch = None
        self._socket = None
        self._stopping = threading.Event()
        self._thread = None

    @property
    def epoch(self):
        """The number of the open connection; None while there is none."""
        with self._lock:
            return self._epoch

    def start(self):
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name='ari-events', daemon=True)
        self._thread.start()

    def stop(self, timeout=5.0):
        self._stopping.set()
        with self._lock:
            connection = self._socket
        if connection is not None:
            connection.abort()  # wakes the reading thread
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self):
        failure = None
        while not self._stopping.is_set():
            try:
                connection = websocket.create_connection(self._url, header=self._header, timeout=self._timeout)
            except (websocket.WebSocketException, OSError) as e:
                if str(e) != failure:  # said once per kind of failure, not every 50 ms
                    failure = str(e)
                    logger.debug('ARI events websocket %s: %s', self._url, e)
                self._stopping.wait(self._reconnect_interval)
                continue
            failure = None
            with self._lock:
                self._connections += 1
                self._epoch, self._socket = self._connections, connection
            self._on_change()
            try:
                self._read_until_closed(connection)
            finally:
                with self._lock:
                    self._epoch, self._socket = None, None
                connection.shutdown()
                self._on_change()

    def _read_until_closed(self, connection):
        connection.settimeout(self._ping_interval)
        pinged = False
        while not self._stopping.is_set():
            try:
                opcode, _ = connection.recv_data_frame(control_frame=True)
            except websocket.WebSocketTimeoutException:
                if pinged:
                    logger.warning('ARI events websocket %s: no answer to a ping, reconnecting', self._url)
                    return
                connection.ping()
                pinged = True
                continue
            except (websocket.WebSocketException, OSError):
                return
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return
            pinged = False


def _websocket_base(ari_url):
    base = ari_url.rstrip('/')
    base = base if base.endswith('/ari') else f'{base}/ari'
    if base.startswith('https://'):
        return 'wss://' + base.removeprefix('https://')
    return 'ws://' + base.removeprefix('http://')
