# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wire form of endpoints and templates, fields in wazo-confd's order."""
from ...http.links import api_link, link
from ...sections import SECTIONS, field_name


def represent(row, parents, *, template, sections=None, transport_uuid=..., links=True):
    """links=False: the body as the change history keeps it (no request to build URLs from)."""
    sections = row.options if sections is None else sections
    transport_uuid = row.transport_uuid if transport_uuid is ... else transport_uuid
    body = {'uuid': row.uuid, 'tenant_uuid': row.tenant_uuid, 'name': row.name, 'label': row.label}
    for section in SECTIONS:
        body[field_name(section)] = [list(line) for line in sections.get(section, ())]
    body['templates'] = [{'uuid': uuid, 'label': label} for uuid, label in parents]
    body['transport'] = {'uuid': transport_uuid} if transport_uuid else None
    body['asterisk_id'] = row.asterisk_id
    if links:
        body['links'] = [
            (
                link('endpoint_sip_templates', 'endpoint_sip_template', uuid=row.uuid)
                if template
                else link('endpoint_sip', 'endpoint_sip', uuid=row.uuid)
            )
        ]
    if not template:
        body['trunk'] = _associated(row.trunk_id, 'trunks', links)
        body['line'] = _associated(row.line_id, 'lines', links)
    return body


def _associated(owner_id, collection, links):
    """wazo-confd's `line`/`trunk`: its id, and a link to it in wazo-confd (same API root)."""
    if owner_id is None:
        return None
    return {'id': owner_id, 'links': [api_link(collection, f'{collection}/{owner_id}')]} if links else {'id': owner_id}
