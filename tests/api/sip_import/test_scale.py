# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An operator-sized sip.conf through the service: 5,000 peers on 20 templates, in one transaction."""
import sqlalchemy as sa

from tests.sipconf.test_scale import generated_sip_conf
from wazo_confd_pjsip.plugins.endpoint_sip import dao as endpoint_dao
from wazo_confd_pjsip.sipconf import parse

from ..conftest import MAIN
from .conftest import check_round_trip, row_counts


def test_five_thousand_peers_on_twenty_templates(importer, core, database):
    before = row_counts(database)

    text = generated_sip_conf(peers=5000, templates=20)
    report = importer.run(MAIN, text, master=True, dry_run=False)

    # Some peers inherit a template twice in a row ('[peer0](tmpl0,tmpl0)'): listed once, silently.
    assert (report.errors, report.conflicts) == ([], [])
    assert [w['section'] for w in report.warnings] == ['trunk0', 'trunk1', 'trunk2']  # insecure=invite
    created = report.created
    assert len(created['templates']) == 21  # sip-general and the 20 templates
    assert len(created['endpoints']) == 5000
    assert [r['endpoint'] for r in created['registrations']] == ['trunk0', 'trunk1', 'trunk2']
    after = row_counts(database)
    # The tenant, its 4 default templates, the imported objects and the transport.
    assert after['endpoint_sip'] - before['endpoint_sip'] == 4 + 21 + 5000
    assert after['sip_transport'] - before['sip_transport'] == 1
    with database.engine.connect() as connection:
        queued = connection.execute(
            sa.text("SELECT count(DISTINCT owner_uuid) FROM apply_outbox WHERE kind = 'endpoint'")
        ).scalar()
    assert queued == 5000
    # The trunks carrying registrations, the peers inheriting a template twice, and a sample of the others.
    sample = ['trunk0', 'trunk1', 'trunk2', 'peer10'] + [f'peer{n}' for n in range(3, 5000, 97)]
    check_round_trip(core, database, parse(text), report.as_json(), MAIN, sample)


def planned_rows(database, table):
    """What the planner believes the table holds (pg_class.reltuples, set by ANALYZE)."""
    with database.engine.connect() as connection:
        return connection.execute(sa.text('SELECT reltuples FROM pg_class WHERE relname = :t'), {'t': table}).scalar()


def test_an_import_refreshes_the_statistics_a_dry_run_left_empty(importer, database):
    """After a rolled-back dry run, ANALYZE records the tables as (nearly) empty; trusting that, each creation
    would scan every row created so far. The import analyzes its own rows as it grows (refresh_statistics)."""
    text = generated_sip_conf(peers=1000, templates=20)
    dry = importer.run(MAIN, text, master=True, dry_run=True)
    with database.engine.begin() as connection:
        connection.execute(sa.text('ANALYZE endpoint_sip, endpoint_sip_parent, pjsip_object_name'))
    assert planned_rows(database, 'endpoint_sip') < 100

    report = importer.run(MAIN, text, master=True, dry_run=False)

    assert not dry.failed and not report.failed
    # Refreshed each time the count doubles: last at 512 endpoints, inside the import's transaction.
    for table in ('endpoint_sip', 'pjsip_object_name'):
        assert planned_rows(database, table) >= 512, table


def test_the_loop_check_of_each_creation_reads_the_templates_links_only(importer, database):
    """An endpoint with two parents reads its tenant's template graph: reading every endpoint's
    links instead makes each creation of an import cost more than the last (quadratic in the peers)."""
    report = importer.run(MAIN, generated_sip_conf(peers=1000, templates=20), master=True, dry_run=False)
    assert not report.failed
    with database.engine.begin() as connection:
        connection.execute(sa.text('ANALYZE endpoint_sip, endpoint_sip_parent'))
    with database.read_only() as session:
        graph = endpoint_dao.tenant_template_parents(session, MAIN)
        read = session.execute(
            sa.text(
                'SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables'
                " WHERE relname = 'endpoint_sip_parent'"
            )
        ).scalar()
    links = sum(len(parents) for parents in graph.values())
    assert links > 20  # the 20 templates' links, and the tenant's defaults'
    assert read == links  # not the 1,000 endpoints' 2,000 and more
