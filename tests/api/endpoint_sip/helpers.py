# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shortcuts shared by the endpoint_sip API tests."""
import sqlalchemy as sa

ENDPOINTS = '/endpoints/sip'
TEMPLATES = '/endpoints/sip/templates'
DEFAULT_LABELS = ('global', 'webrtc', 'meeting_guest', 'registration_trunk')

SECTION_FIELDS = (
    'aor_section_options',
    'auth_section_options',
    'endpoint_section_options',
    'identify_section_options',
    'registration_section_options',
    'registration_outbound_auth_section_options',
    'outbound_auth_section_options',
)
ENDPOINT_FIELDS = [
    'uuid',
    'tenant_uuid',
    'name',
    'label',
    *SECTION_FIELDS,
    'templates',
    'transport',
    'asterisk_id',
    'links',
    'trunk',
    'line',
]
TEMPLATE_FIELDS = ENDPOINT_FIELDS[:-2]


def created(response):
    assert response.status_code == 201, response.json
    return response.json


def create_endpoint(api, **body):
    return created(api.post(ENDPOINTS, json=body))


def create_template(api, **body):
    return created(api.post(TEMPLATES, json=body))


def create_transport(api, name, protocol='udp'):
    return created(api.post('/sip/transports', json={'name': name, 'options': [['protocol', protocol]]}))


def parents(*templates):
    return [{'uuid': template['uuid']} for template in templates]


def item_path(base, item):
    return f"{base}/{item['uuid']}"


def listed_uuids(response):
    assert response.status_code == 200, response.json
    return [item['uuid'] for item in response.json['items']]


def default_templates(api):
    """label -> template body, for the request's tenant, announced first (that makes them)."""
    api.announce_tenant()
    items = api.get(TEMPLATES, query={'limit': 100}).json['items']
    return {item['label']: item for item in items if item['label'] in DEFAULT_LABELS}


def row_counts(database):
    """Rows of every table an endpoint or template writes: unchanged after a refused request."""
    tables = ('endpoint_sip', 'endpoint_sip_parent', 'pjsip_object_name', 'tenant')
    with database.engine.connect() as connection:
        return {table: connection.execute(sa.text(f'SELECT count(*) FROM {table}')).scalar() for table in tables}


def stored_row(database, uuid):
    with database.engine.connect() as connection:
        row = (
            connection.execute(
                sa.text(
                    'SELECT name, label, asterisk_id, transport_uuid, options FROM endpoint_sip WHERE uuid = :uuid'
                ),
                {'uuid': uuid},
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None


def missing_template(uuid):
    """The 400 of a parent that is no template of the tenant: wazo-confd's words (which name a table), then ours."""
    return [
        f"Input Error - field 'templates': endpoint_sip was not found ('templates': '{uuid}'): "
        'no SIP endpoint template of this tenant has this uuid'
    ]
