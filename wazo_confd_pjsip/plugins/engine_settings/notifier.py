# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Change a [global] or [system] write records: to the apply outbox before commit, to the bus after."""
from ...database.session import Action, Change, Resource

RESOURCES = {'global': Resource.PJSIP_GLOBAL, 'system': Resource.PJSIP_SYSTEM}


def record_updated(uow, section, before_lines, after_lines):
    """The lines [[key, value], ...] before and after, as the section's history keeps them."""
    before, after = {'options': [list(line) for line in before_lines]}, {
        'options': [list(line) for line in after_lines]
    }
    uow.record(Change(RESOURCES[section], Action.UPDATED, before=before, after=after))
