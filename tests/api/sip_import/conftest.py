# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Posting sip.conf texts, and reading what the database holds afterwards."""
import pytest
import sqlalchemy as sa

from wazo_confd_pjsip.inheritance import merged_view
from wazo_confd_pjsip.sipconf import flatten_peer, map_flat_peer

IMPORT = '/asterisk/sip/import'
# Every table an import may write.
TABLES = ('tenant', 'endpoint_sip', 'endpoint_sip_parent', 'pjsip_object_name', 'sip_transport', 'apply_outbox')


def post_sip_conf(api, text, dry_run=None, content_type='text/plain', headers=None, query=None):
    data = text.encode() if isinstance(text, str) else text
    query = {**(query or {}), **({'dry_run': dry_run} if dry_run is not None else {})} or None
    return api.post(IMPORT, data=data, query=query, headers={'Content-Type': content_type, **(headers or {})})


def imported(api, text, status=201, **kwargs):
    response = post_sip_conf(api, text, **kwargs)
    assert response.status_code == status, response.json
    return response.json


def row_counts(database):
    with database.engine.connect() as connection:
        return {table: connection.execute(sa.text(f'SELECT count(*) FROM {table}')).scalar() for table in TABLES}


def engine_section(database, name):
    with database.engine.connect() as connection:
        return connection.execute(
            sa.text('SELECT options FROM pjsip_engine_section WHERE name = :name'), {'name': name}
        ).scalar()


def rows_by_name(database):
    """name -> {template, tenant_uuid, options (sections that have lines), parents (names, in order)}."""
    with database.engine.connect() as connection:
        rows = (
            connection.execute(
                sa.text('SELECT uuid, name, template, tenant_uuid, options, transport_uuid FROM endpoint_sip')
            )
            .mappings()
            .all()
        )
        links = connection.execute(
            sa.text('SELECT child_uuid, parent_uuid FROM endpoint_sip_parent ORDER BY child_uuid, position')
        ).all()
    names = {row['uuid']: row['name'] for row in rows}
    parents = {}
    for child, parent in links:
        parents.setdefault(child, []).append(names[parent])
    return {
        row['name']: {
            'uuid': str(row['uuid']),
            'template': row['template'],
            'tenant_uuid': str(row['tenant_uuid']),
            'options': {section: lines for section, lines in row['options'].items() if lines},
            'parents': parents.get(row['uuid'], []),
        }
        for row in rows
    }


@pytest.fixture
def importer(core):
    return core.services.sip_import


class _Tenant:
    """The tenant argument of the endpoint service's reads."""

    def __init__(self, uuid):
        self.uuid = uuid

    def can_see(self, tenant_uuid):
        return tenant_uuid == self.uuid


def check_round_trip(core, database, conf, report, tenant_uuid, names=None):
    """Each imported endpoint, as the service resolves it, gives what the reference mapping gives its flat peer.

    For every mapped key: the merged views are compared section by section; what the endpoint has
    beyond them is the registration it carries, if any.
    """
    service, is_repeatable = core.services.endpoints, core.catalogue.is_repeatable
    carriers = {placed['endpoint'] for placed in report['created']['registrations']}
    rows = rows_by_name(database)
    for name in names or report['created']['endpoints']:
        merged = service.get_merged(_Tenant(tenant_uuid), rows[name]["uuid"])[2].sections
        merged = {section: lines for section, lines in merged.items() if lines}
        peer = conf.definition(name)
        expected = merged_view(map_flat_peer(name, flatten_peer(conf, name)), is_repeatable) if peer else {}
        assert {section: merged.get(section) for section in expected} == expected, name
        extra = {'registration', 'registration_outbound_auth'} if name in carriers else set()
        assert set(merged) - set(expected) <= extra, name
        assert 'registration' in merged or name not in carriers, name
