# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a long import shows where it is: a bar on a terminal, JSON lines for scripts, log lines for the API.

Each is a `progress(done, total)` callable for SipConfImporter.run, shown at most every `interval`
seconds, and finished with `finish()`.
"""
import json
import logging
import time

logger = logging.getLogger(__name__)


class _Throttled:
    """Shown at most every `interval` s, then once more by finish() if it was shown at all."""

    def __init__(self, interval, clock):
        self._interval = interval
        self._clock = clock
        self._next = clock() + interval
        self._last = None
        self._shown = False

    def __call__(self, done, total):
        self._last = (done, total)
        if self._clock() >= self._next:
            self._show()

    def finish(self):
        if self._shown:
            self._show()
            self._end()

    def _show(self):
        self._write(*self._last)
        self._shown = True
        self._next = self._clock() + self._interval

    def _write(self, done, total):
        raise NotImplementedError

    def _end(self):
        pass


class ProgressBar(_Throttled):
    """`importing [#####-----] 2500/5000` on one line of a terminal (none for an import done within `interval`)."""

    WIDTH = 30

    def __init__(self, stream, interval=0.2, clock=time.monotonic):
        super().__init__(interval, clock)
        self._stream = stream

    def _write(self, done, total):
        filled = self.WIDTH * done // total if total else self.WIDTH
        self._stream.write(f"\rimporting [{'#' * filled}{'-' * (self.WIDTH - filled)}] {done}/{total}")
        self._stream.flush()

    def _end(self):
        self._stream.write('\n')
        self._stream.flush()


class JsonProgress(_Throttled):
    """One line `{"progress": "sip-import", "done": 2500, "total": 5000}` per interval, and always a last one."""

    def __init__(self, stream, interval=1.0, clock=time.monotonic):
        super().__init__(interval, clock)
        self._stream = stream

    def finish(self):
        if self._last is not None:
            self._shown = True
        super().finish()

    def _write(self, done, total):
        self._stream.write(json.dumps({'progress': 'sip-import', 'done': done, 'total': total}) + '\n')
        self._stream.flush()


class LoggedProgress(_Throttled):
    """An INFO log line per interval: what the API's log shows of an import it is running."""

    def __init__(self, tenant_uuid, interval=5.0, clock=time.monotonic):
        super().__init__(interval, clock)
        self._tenant_uuid = tenant_uuid

    def _write(self, done, total):
        logger.info('sip.conf import into tenant %s: %d/%d objects created', self._tenant_uuid, done, total)


class NoProgress:
    def __call__(self, done, total):
        pass

    def finish(self):
        pass
