# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An engine declared before its Asterisk exists (ari.url null): changes wait for it, quietly."""
import pytest
import sqlalchemy as sa

from wazo_confd_pjsip.apply.engines import engines_from_config


@pytest.fixture
def engines_config():
    return {'default': {'ari': {'url': None}, 'pjsip_conf_file': None}}


def pending(database):
    with database.engine.connect() as connection:
        return connection.execute(sa.text('SELECT kind, failed_at, last_error FROM apply_outbox ORDER BY id')).all()


def test_changes_wait_for_an_engine_without_ari_and_it_is_said_once(api, core, caplog):
    assert api.post('/endpoints/sip', json={'name': 'early'}).status_code == 201
    worker = core.apply.worker

    with caplog.at_level('INFO', logger='wazo_confd_pjsip.apply.worker'):
        for _ in range(2):
            with core.db.engine.begin() as connection:
                connection.execute(sa.text('UPDATE apply_outbox SET next_attempt_at = now()'))
            worker.drain()

    assert pending(core.db) == [('endpoint', None, "engine 'default' has no ARI url yet")]
    said = [record for record in caplog.records if record.name == 'wazo_confd_pjsip.apply.worker']
    assert [(record.levelname, record.getMessage()) for record in said] == [
        ('INFO', 'engine default has no ARI url yet: its changes wait until one is configured')
    ]
    sync = api.get('/asterisk/pjsip/sync').json['engines']['default']
    assert (sync['pending_changes'], sync['refused_changes'], sync['reachable']) == (1, 0, False)


def test_a_null_engine_removes_the_built_in_default():
    config = {'asterisk': {'engines': {'default': None, 'pbx1': {'ari': {'url': 'http://pbx1:8088/ari'}}}}}

    assert list(engines_from_config(config)) == ['pbx1']
