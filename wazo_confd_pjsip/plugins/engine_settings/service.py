# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from . import dao, notifier
from .validator import check_options

ENGINE_SETTINGS = ('global', 'system')


class EngineSettingsService:
    """The engine-wide settings [global] and [system] (one pjsip.conf object each); a PUT replaces all of one.

    Every write is one unit of work of `db` and records its Change (notifier.py): core.py's
    database turns it into outbox rows for every engine, then a bus event."""

    def __init__(self, db, catalogue, section):
        self._db = db
        self._catalogue = catalogue
        self.section = section

    def get(self):
        with self._db.read_only() as session:
            return dict(dao.options_of(session, self.section))

    def replace(self, options):
        with self._db.unit_of_work() as uow:
            self.replace_in(uow, options)

    def replace_in(self, uow, options):
        check_options(self._catalogue, self.section, options)
        self._write(uow, [[key, value] for key, value in options.items()])

    def merge_in(self, uow, options):
        """In the caller's unit of work: these keys replace their values in place or are added; the others stay."""
        check_options(self._catalogue, self.section, options)
        current = dao.options_of(uow.session, self.section, lock=True)
        lines = [[key, options.get(key, value)] for key, value in current]
        present = {key for key, _ in lines}
        self._write(uow, lines + [[key, value] for key, value in options.items() if key not in present])

    def _write(self, uow, lines):
        before = dao.options_of(uow.session, self.section, lock=True)
        dao.set_options(uow.session, self.section, lines)
        notifier.record_updated(uow, self.section, before, lines)
