# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Retention of the history: a background thread deletes what is too old or too many, in batches.

Writers only insert new records and the pruner only deletes old ones, each batch its own short
transaction: pruning never holds what a write waits for.
"""
import logging
import threading

from . import dao

logger = logging.getLogger(__name__)

BATCH = 1000


class HistoryPruner:
    def __init__(self, db, retention_days, max_per_resource, interval):
        self._db = db
        self._retention_days = retention_days
        self._max_per_resource = max_per_resource
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = None

    def prune_once(self):
        """Delete every record beyond the retention; returns how many."""
        deleted = 0
        for prune, limit in ((dao.prune_older, self._retention_days), (dao.prune_beyond, self._max_per_resource)):
            if limit is None:
                continue
            while not self._stopping.is_set():
                with self._db.engine.connect() as connection:
                    count = prune(connection, limit, BATCH)
                    connection.commit()
                deleted += count
                if count < BATCH:
                    break
        return deleted

    def start(self):
        if self._retention_days is None and self._max_per_resource is None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name='history-pruner', daemon=True)
        self._thread.start()

    def stop(self):
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self):
        while not self._stopping.is_set():
            try:
                deleted = self.prune_once()
                if deleted:
                    logger.info('history: %d records pruned', deleted)
            except Exception:
                logger.exception('history: pruning failed; tried again in %.0f s', self._interval)
            self._stopping.wait(self._interval)
