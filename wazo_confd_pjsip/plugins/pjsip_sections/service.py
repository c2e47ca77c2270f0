# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import sqlalchemy as sa

from ...database.models import PJSIPEngineSection
from ...database.session import Change
from ..option_checks import check_option_mapping


class EngineSectionService:
    """The engine-wide singleton sections [global] and [system]; a PUT replaces the whole section."""

    def __init__(self, db, catalogue, section):
        self._db = db
        self._catalogue = catalogue
        self.section = section

    def get(self):
        with self._db.read_only() as session:
            lines = session.execute(
                sa.select(PJSIPEngineSection.options).where(PJSIPEngineSection.name == self.section)
            ).scalar_one()
        return dict(lines)

    def replace(self, options):
        check_option_mapping(self._catalogue, 'options', self.section, options)
        with self._db.unit_of_work() as uow:
            self._write(uow, [[key, value] for key, value in options.items()])

    def merge_in(self, uow, options):
        """In the caller's unit of work: these keys replace their values in place or are added; the others stay."""
        check_option_mapping(self._catalogue, 'options', self.section, options)
        current = uow.session.execute(
            sa.select(PJSIPEngineSection.options).where(PJSIPEngineSection.name == self.section).with_for_update()
        ).scalar_one()
        lines = [[key, options.get(key, value)] for key, value in current]
        present = {key for key, _ in lines}
        self._write(uow, lines + [[key, value] for key, value in options.items() if key not in present])

    def _write(self, uow, lines):
        uow.session.execute(
            sa.update(PJSIPEngineSection).where(PJSIPEngineSection.name == self.section).values(options=lines)
        )
        uow.record(Change(f'pjsip_{self.section}', 'updated'))
