# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every curl example of the README, run as written against the service (a process, fake ARI)."""
import shutil
import sys
from pathlib import Path

import pytest

from integration_tests.asterisk.service import MASTER_TOKEN, ServiceProcess

from .databases import create_database, drop_database
from .fakes.fake_ari import FakeAri
from .readme import assert_answered_as_written, curl_blocks, run_blocks
from .waiting import eventually

COMMAND = Path(sys.executable).with_name('wazo-confd-pjsip')


@pytest.fixture
def service(tmp_path, postgres_server_uri):
    db_uri, name = create_database(postgres_server_uri, prefix='readme')
    with FakeAri(username='wazo', password='secret') as ari:
        ari.up()
        engines = {
            'default': {
                'ari': {'url': f'{ari.url}/ari', 'username': 'wazo', 'password': 'secret'},
                'pjsip_conf_file': str(tmp_path / 'pjsip.d' / 'wazo.conf'),
            }
        }
        process = ServiceProcess(COMMAND, tmp_path / 'service', db_uri, engines)
        process.start()
        yield process, ari
        process.stop()
    drop_database(postgres_server_uri, name)


def test_every_curl_example_works_as_written(service):
    process, ari = service
    assert shutil.which('jq'), 'the README picks uuids with jq: apt-get install jq'

    calls = run_blocks(curl_blocks(), process.url, MASTER_TOKEN)

    assert_answered_as_written(calls)
    assert [call.expected_refusal for call in calls].count(True) == 1
    assert {call.method for call in calls} == {'GET', 'POST', 'PUT', 'DELETE'}
    # what the examples made is gone again, from Asterisk too (the last DELETE does not wait for it)
    eventually(lambda: not [key for key in ari.objects() if key[1] == 'alice'], "alice's objects removed")
