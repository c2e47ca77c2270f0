# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an endpoint must be in Asterisk: its inheritance resolved, then its objects built.

What is pushed is the merged view (one line per setting, codecs as one `allow`), the same
configuration `?view=merged` shows and Asterisk would end up with from pjsip.conf templates.
"""
import sqlalchemy as sa

from ..asterisk.builder import build_objects
from ..database.effective import effective_configs
from ..database.models import EndpointSIP, SIPTransport
from ..engine_ids import engine_of
from .engines import on_engine


class DesiredState:
    def __init__(self, catalogue):
        self._catalogue = catalogue

    def for_owners(self, session, owner_uuids, engine):
        """owner uuid → objects, for the endpoints among owner_uuids that live on `engine` (others: [])."""
        rows = session.execute(
            sa.select(EndpointSIP).where(EndpointSIP.uuid.in_(list(owner_uuids)), EndpointSIP.template.is_(False))
        ).scalars()
        rows = [row for row in rows if engine_of(row.asterisk_id) == engine]
        result = {uuid: [] for uuid in owner_uuids}
        result.update(self._build(session, rows, None))
        return result

    def for_engine(self, session, engine):
        """owner uuid → objects, for every endpoint of `engine` (a full push)."""
        condition = on_engine(EndpointSIP.asterisk_id, engine)
        rows = list(session.execute(sa.select(EndpointSIP).where(EndpointSIP.template.is_(False), condition)).scalars())
        templates = session.execute(sa.select(EndpointSIP).where(EndpointSIP.template.is_(True))).scalars()
        return self._build(session, rows, list(templates))

    def for_row(self, session, row):
        return self._build(session, [row], None)[row.uuid]

    def _build(self, session, rows, template_rows):
        effective = effective_configs(session, rows, self._catalogue.is_repeatable, template_rows)
        transport_names = dict(session.execute(sa.select(SIPTransport.uuid, SIPTransport.name)).all())
        result = {}
        for row in rows:
            found = effective[row.uuid]
            resolved = {section: [tuple(line) for line in lines] for section, lines in found.sections.items()}
            result[row.uuid] = build_objects(
                row.name, row.tenant_uuid, resolved, transport_names.get(found.transport_uuid)
            )
        return result
