# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A dry run does all the import's work in a transaction it rolls back: same report, nothing left."""
import pytest

from tests.sipconf.samples import GOLDEN

from ..conftest import SUB
from .conftest import imported, row_counts
from .test_mapping import SIP_CONF


@pytest.fixture
def delivered(change_recorder):
    return change_recorder


@pytest.mark.parametrize('text', [GOLDEN, SIP_CONF], ids=['golden', 'features'])
def test_dry_run_writes_nothing_and_reports_what_the_import_does(api, database, delivered, text):
    before = row_counts(database)

    dry = imported(api, text, status=200, dry_run='True')

    # Not even the tenant nor its default templates: the whole transaction was rolled back.
    assert row_counts(database) == before
    assert delivered.changes == []
    real = imported(api, text)
    assert dry == {**real, 'dry_run': True, 'change_set_uuid': None}
    assert real['change_set_uuid']
    assert real['created']['endpoints']
    assert row_counts(database)['apply_outbox'] > 0
    assert {change.uuid for change in delivered.changes if change.resource == 'sip_endpoint'}


def test_dry_run_of_a_sub_tenant(api, database, delivered):
    before = row_counts(database)

    report = imported(api.as_(tenant=SUB), GOLDEN, status=200, dry_run='1')

    assert report['created']['endpoints'] == ['mytrunk']
    assert row_counts(database) == before
    assert delivered.changes == []


def test_an_import_refused_by_the_service_reports_the_same_error_in_a_dry_run(api, database):
    # What the plan passes through but the service refuses: more lines than a section may hold.
    text = '[alice]\ntype=friend\nhost=dynamic\n' + ''.join(f'setvar=V{n}=1\n' for n in range(513))

    dry = imported(api, text, status=200, dry_run='true')
    response = api.post('/asterisk/sip/import', data=text, headers={'Content-Type': 'text/plain'})

    message = 'Input Error - endpoint_section_options: Longer than maximum length 512.'
    assert dry['errors'] == [{'message': message, 'section': 'alice', 'file': 'sip.conf', 'line': 1}]
    assert response.status_code == 400
    assert response.json == [f"{message} ('alice', sip.conf:1)"]
    assert row_counts(database)['endpoint_sip'] == 0
