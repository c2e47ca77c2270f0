# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine-wide settings [global] and [system]: one row each, options as ordered pairs."""
import sqlalchemy as sa

from ...database.models import PJSIPEngineSection


def options_of(session, section, lock=False):
    query = sa.select(PJSIPEngineSection.options).where(PJSIPEngineSection.name == section)
    return session.execute(query.with_for_update() if lock else query).scalar_one()


def set_options(session, section, lines):
    session.execute(sa.update(PJSIPEngineSection).where(PJSIPEngineSection.name == section).values(options=lines))
