# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Two engines: an endpoint change is queued only for the engines it concerns, engine-wide ones for all."""
import pytest
import sqlalchemy as sa

from tests.fakes.fake_ari import FakeAri

from .helpers import create_endpoint

SECOND = 'second'


@pytest.fixture
def second_ari():
    with FakeAri(username='wazo', password='secret') as ari:
        ari.up()
        yield ari
        ari.assert_healthy()


@pytest.fixture
def engines_config(fake_ari, second_ari, tmp_path):
    def engine(ari, name):
        return {
            'ari': {'url': f'{ari.url}/ari', 'username': 'wazo', 'password': 'secret', 'timeout': 2},
            'pjsip_conf_file': str(tmp_path / name / 'pjsip.d' / '10-wazo-confd-pjsip.conf'),
        }

    return {'default': engine(fake_ari, 'default'), SECOND: engine(second_ari, SECOND)}


@pytest.fixture
def applied(worker):
    """The worker in contact with both engines, the outbox empty."""
    worker.check_engines(force=True)
    worker.drain()
    return worker


def queued(core):
    """(engine, owner uuid, kind) of every outbox row."""
    with core.db.engine.connect() as connection:
        rows = connection.execute(sa.text('SELECT engine, CAST(owner_uuid AS text), kind FROM apply_outbox'))
        return sorted(tuple(row) for row in rows)


def endpoint_names(ari):
    return {object_id for object_type, object_id in ari.objects() if object_type == 'endpoint'}


def test_an_endpoint_change_is_queued_for_its_engine_only(api, core, applied):
    first = create_endpoint(api, 'on-first')
    second = create_endpoint(api, 'on-second', asterisk_id=SECOND)
    assert queued(core) == sorted([('default', first['uuid'], 'endpoint'), (SECOND, second['uuid'], 'endpoint')])
    applied.drain()

    api.put(f'/endpoints/sip/{second["uuid"]}', json={'label': 'edited'})

    assert queued(core) == [(SECOND, second['uuid'], 'endpoint')]


def test_a_move_is_queued_for_the_engine_it_leaves_and_the_one_it_reaches(api, core, applied, fake_ari, second_ari):
    endpoint = create_endpoint(api, 'mover')
    applied.drain()

    api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={'asterisk_id': SECOND})

    assert queued(core) == sorted([('default', endpoint['uuid'], 'endpoint'), (SECOND, endpoint['uuid'], 'endpoint')])
    applied.drain()
    assert 'mover' not in endpoint_names(fake_ari)
    assert 'mover' in endpoint_names(second_ari)


def test_an_edit_after_a_move_not_yet_applied_still_concerns_the_engine_left(api, core, applied, fake_ari, second_ari):
    endpoint = create_endpoint(api, 'mover')
    applied.drain()
    api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={'asterisk_id': SECOND})

    # Already on the second engine before and after this change; the first still holds it.
    api.put(f'/endpoints/sip/{endpoint["uuid"]}', json={'label': 'edited'})

    assert queued(core).count(('default', endpoint['uuid'], 'endpoint')) == 2
    applied.drain()
    assert 'mover' not in endpoint_names(fake_ari)
    assert 'mover' in endpoint_names(second_ari)


def test_a_deleted_endpoint_is_queued_for_the_engine_that_holds_it(api, core, applied, second_ari):
    endpoint = create_endpoint(api, 'leaving', asterisk_id=SECOND)
    applied.drain()

    assert api.delete(f'/endpoints/sip/{endpoint["uuid"]}').status_code == 204

    assert queued(core) == [(SECOND, endpoint['uuid'], 'endpoint')]
    applied.drain()
    assert 'leaving' not in endpoint_names(second_ari)


def test_a_template_change_fans_out_to_each_descendant_on_its_own_engine(api, core, applied, fake_ari, second_ari):
    template = api.post('/endpoints/sip/templates', json={'name': 'shared'}).json
    first = create_endpoint(api, 'first-line', templates=[{'uuid': template['uuid']}])
    second = create_endpoint(api, 'second-line', asterisk_id=SECOND, templates=[{'uuid': template['uuid']}])
    applied.drain()

    api.put(f'/endpoints/sip/templates/{template["uuid"]}', json={'endpoint_section_options': [['language', 'de_DE']]})

    assert queued(core) == sorted([('default', first['uuid'], 'endpoint'), (SECOND, second['uuid'], 'endpoint')])
    applied.drain()
    assert fake_ari.objects()[('endpoint', 'first-line')]['language'] == 'de_DE'
    assert second_ari.objects()[('endpoint', 'second-line')]['language'] == 'de_DE'


def test_engine_wide_sections_are_queued_for_every_engine(api, core, applied):
    assert api.put('/asterisk/pjsip/global', json={'options': {'user_agent': 'both'}}).status_code == 204

    assert queued(core) == [('default', None, 'sections'), (SECOND, None, 'sections')]


def test_an_engine_down_does_not_hold_a_change_of_the_other(api, core, applied, fake_ari, second_ari):
    second_ari.down()
    applied.start()
    try:
        response = api.post('/endpoints/sip', json={'name': 'while-second-down'}, query={'wait_applied': str(10.0)})
    finally:
        applied.stop()
        second_ari.up()

    assert response.status_code == 201
    assert response.headers['Wazo-Apply-Status'] == 'applied'
    assert 'while-second-down' in endpoint_names(fake_ari)
