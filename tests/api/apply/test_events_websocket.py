# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A running worker watches each engine's ARI events websocket: restarts and returns are acted on when
the websocket drops and connects again, not at the next poll (here: an hour away)."""
import time

import pytest

from tests.waiting import eventually
from wazo_confd_pjsip.apply.components import build_apply
from wazo_confd_pjsip.config import merge_configs

from .helpers import create_endpoint

NEVER = 3600.0  # a health_interval no test outlives: whatever happens is the websocket's doing


@pytest.fixture
def running(core, app):
    """A started worker that would poll its engine only once an hour, its websocket open and checked."""
    config = merge_configs({'apply': {'health_interval': NEVER}}, core.config)
    worker = build_apply(config, core.db, core.catalogue).worker
    worker.check_engines(force=True)
    worker.start()
    engine = core.apply.engines['default']
    eventually(lambda: worker.startup_watched(engine), 'the events websocket is open and checked')
    yield worker
    worker.stop()


def _sync(api):
    return api.get('/asterisk/pjsip/sync').json['engines']['default']


def test_a_restart_is_pushed_again_as_soon_as_the_websocket_is_back(api, running, fake_ari):
    for name in ('alice', 'bob'):
        create_endpoint(api, name)
    eventually(lambda: len(fake_ari.objects()) == 6, 'the endpoints are pushed')

    fake_ari.restart()

    eventually(lambda: len(fake_ari.objects()) == 6, 'everything is pushed again')
    assert fake_ari.objects()[('endpoint', 'bob')]['context'] == 'a'


def test_a_change_is_pushed_without_asking_for_the_startup_time_while_the_websocket_stays_open(api, running, fake_ari):
    endpoint = create_endpoint(api, 'alice')
    eventually(lambda: ('endpoint', 'alice') in fake_ari.objects(), 'the endpoint is pushed')
    fake_ari.request_log.clear()

    changed = api.put(
        f'/endpoints/sip/{endpoint["uuid"]}?wait_applied=10', json={'endpoint_section_options': [['context', 'b']]}
    )

    assert changed.headers['Wazo-Apply-Status'] == 'applied'
    assert fake_ari.objects()[('endpoint', 'alice')]['context'] == 'b'
    assert [r['path'] for r in fake_ari.request_log if r['method'] == 'GET'] == []


def test_an_outage_is_reported_when_the_websocket_drops_and_what_waited_goes_when_it_is_back(api, running, fake_ari):
    endpoint = create_endpoint(api, 'alice')
    eventually(lambda: ('endpoint', 'alice') in fake_ari.objects(), 'the endpoint is pushed')

    fake_ari.down()
    eventually(lambda: not _sync(api)['reachable'], 'the outage is reported')
    api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={'endpoint_section_options': [['context', 'b']]})
    fake_ari.up()

    eventually(lambda: _sync(api)['reachable'] and _sync(api)['pending_changes'] == 0, 'the change is applied')
    assert fake_ari.objects()[('endpoint', 'alice')]['context'] == 'b'


def test_a_booting_asterisk_is_not_pushed_until_it_accepts_the_websocket(api, running, fake_ari):
    create_endpoint(api, 'alice')
    eventually(lambda: len(fake_ari.objects()) == 3, 'the endpoint is pushed')
    fake_ari.booting = True  # ARI answers 503 until Asterisk is fully booted, the websocket included
    fake_ari.restart()
    fake_ari.request_log.clear()
    time.sleep(0.3)  # several reconnection attempts
    assert fake_ari.objects() == {}
    assert [r['path'] for r in fake_ari.request_log if r['method'] == 'PUT'] == []

    fake_ari.booting = False

    eventually(lambda: len(fake_ari.objects()) == 3, 'everything is pushed once booted')
