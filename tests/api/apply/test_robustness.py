# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The apply pipeline under races, lost acknowledgements and failures (each once a real defect)."""
import json
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from wazo_confd_pjsip.app import create_app
from wazo_confd_pjsip.apply import acknowledged, engine_state, queue
from wazo_confd_pjsip.apply.components import build_apply
from wazo_confd_pjsip.apply.pusher import PushInterrupted
from wazo_confd_pjsip.core import build_core

from ..conftest import ApiClient
from .helpers import create_endpoint


def _rows(db, columns='id, kind, attempts, failed_at IS NOT NULL AS failed, last_error'):
    with db.engine.connect() as connection:
        return connection.execute(sa.text(f'SELECT {columns} FROM apply_outbox ORDER BY id')).all()


def _due_now(db):
    with db.engine.begin() as connection:
        connection.execute(sa.text('UPDATE apply_outbox SET next_attempt_at = now(), claimed_until = NULL'))


def test_an_endpoint_deleted_while_its_first_push_is_in_flight_leaves_asterisk(api, worker, fake_ari):
    worker.check_engines(force=True)
    endpoint = create_endpoint(api, 'alice')
    fake_ari.latency = 0.2
    pushing = threading.Thread(target=worker.drain)
    pushing.start()
    time.sleep(0.3)  # the auth is there, the rest in flight

    assert api.delete(f'/endpoints/sip/{endpoint["uuid"]}').status_code == 204
    pushing.join()
    fake_ari.latency = 0
    worker.drain()

    assert not [key for key in fake_ari.objects() if key[1] == 'alice']


def test_a_lost_acknowledgement_does_not_turn_the_next_push_into_a_merge(api, worker, fake_ari, core, monkeypatch):
    worker.check_engines(force=True)
    create_endpoint(api, 'alice')
    monkeypatch.setattr(acknowledged, 'record', _raise(RuntimeError('stopped between the PUT and its record')))
    worker.drain()  # Asterisk has the objects, the service does not know it
    monkeypatch.undo()
    _due_now(core.db)
    fake_ari.request_log.clear()

    worker.drain()

    methods = [
        (r['method'], r['path'].split('/')[-2], r['status']) for r in fake_ari.request_log if r['method'] != 'GET'
    ]
    assert methods == [
        ('DELETE', 'auth', 204),
        ('PUT', 'auth', 200),
        ('DELETE', 'aor', 204),
        ('PUT', 'aor', 200),
        ('DELETE', 'endpoint', 204),
        ('PUT', 'endpoint', 200),
    ]
    assert _rows(core.db) == []
    assert fake_ari.objects()[('endpoint', 'alice')]['context'] == 'a'


def test_a_restart_seen_by_two_workers_is_pushed_once(api, core, fake_ari):
    first, second = (build_apply(core.config, core.db, core.catalogue).worker for _ in range(2))
    for index in range(10):
        create_endpoint(api, f'e{index}')
    first.check_engines(force=True)
    fake_ari.restart()
    fake_ari.request_log.clear()
    barrier = threading.Barrier(2)

    def check(worker):
        barrier.wait()
        worker.check_engines(force=True)

    threads = [threading.Thread(target=check, args=(worker,)) for worker in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(r['method'] for r in fake_ari.request_log if r['method'] != 'GET') == {'PUT': 30}
    assert len(fake_ari.objects()) == 30


def test_a_full_push_settles_only_the_changes_it_saw(api, core, worker, fake_ari, monkeypatch):
    alice = create_endpoint(api, 'alice')
    worker.check_engines(force=True)
    db = core.db
    late = db.engine.connect()  # a change whose outbox row has an early id but commits late
    transaction = late.begin()
    late.execute(
        sa.text(
            "UPDATE endpoint_sip SET options = jsonb_set(options, '{endpoint}', CAST(:v AS jsonb)) WHERE uuid = :u"
        ),
        {'v': json.dumps([['context', 'late'], ['allow', '!all,ulaw']]), 'u': alice['uuid']},
    )
    late.execute(
        sa.text("INSERT INTO apply_outbox (engine, owner_uuid, kind) VALUES ('default', :u, 'endpoint')"),
        {'u': alice['uuid']},
    )
    create_endpoint(api, 'bob')
    read_configuration = core.apply.desired.for_engine

    def commit_the_late_change_meanwhile(session, engine):
        result = read_configuration(session, engine)
        transaction.commit()
        return result

    monkeypatch.setattr(core.apply.desired, 'for_engine', commit_the_late_change_meanwhile)
    worker.resync('default')
    monkeypatch.undo()
    late.close()
    worker.drain()

    assert fake_ari.objects()[('endpoint', 'alice')]['context'] == 'late'


def _worker_that_cannot_write_the_engine_file(api, core, tmp_path):
    """A worker whose engine file is under a regular file, and a change of [global] for it to apply."""
    blocked = tmp_path / 'not-a-directory'
    blocked.write_text('')
    core.config['asterisk']['engines']['default']['pjsip_conf_file'] = str(blocked / 'pjsip.conf')
    worker = build_apply(core.config, core.db, core.catalogue).worker
    worker.check_engines(force=True)
    api.put('/asterisk/pjsip/global', json={'options': {'user_agent': 'X'}})
    return worker


def test_a_failure_other_than_an_outage_is_retried_and_reported(api, core, fake_ari, tmp_path):
    worker = _worker_that_cannot_write_the_engine_file(api, core, tmp_path)

    worker.drain()

    rows = _rows(core.db)
    assert [(row.kind, row.attempts, row.failed) for row in rows] == [('sections', 1, False)]
    assert 'not-a-directory' in rows[0].last_error
    status = api.get('/asterisk/pjsip/sync').json['engines']['default']
    assert 'not-a-directory' in status['last_error']
    assert status['pending_changes'] == 1
    assert 0 < queue.seconds_until_due(core.db) <= 0.5  # backoff, no busy loop


def test_a_failure_that_repeats_is_logged_once_without_a_traceback(api, core, fake_ari, tmp_path, caplog):
    worker = _worker_that_cannot_write_the_engine_file(api, core, tmp_path)

    with caplog.at_level('DEBUG', logger='wazo_confd_pjsip.apply.worker'):
        for _ in range(3):
            with core.db.engine.begin() as connection:
                connection.execute(sa.text('UPDATE apply_outbox SET next_attempt_at = now()'))
            worker.drain()

    failures = [(record.levelname, record.exc_info) for record in caplog.records if 'applying failed' in record.msg]
    assert len(failures) >= 3  # each drain tried again
    assert failures[0] == ('ERROR', None)  # an OSError's message says it all
    assert set(failures[1:]) == {('DEBUG', None)}


def test_a_leased_row_is_not_due_until_its_lease_ends(api, worker, core):
    create_endpoint(api, 'alice')
    claimed = queue.claim(core.db, 10, lease_seconds=60)

    assert len(claimed) == 1
    assert 55 < queue.seconds_until_due(core.db) <= 60


def test_first_contact_writes_the_engine_sections(worker, fake_ari, pjsip_conf_file):
    worker.check_engines(force=True)

    assert '[global]\ntype = global\nuser_agent = Wazo PBX\n' in pjsip_conf_file.read_text()
    assert fake_ari.reloads == ['res_pjsip.so']


def test_wait_applied_says_rejected_when_asterisk_refuses(api, worker, fake_ari):
    worker.check_engines(force=True)
    fake_ari.define_file_object('auth', 'handmade', [('username', 'h'), ('password', 'p')])
    worker.start()
    try:
        response = api.post(
            '/endpoints/sip',
            json={'name': 'handmade', 'auth_section_options': [['username', 'h'], ['password', 'x']]},
            query={'wait_applied': '5'},
        )
    finally:
        worker.stop()

    assert response.status_code == 201
    assert response.headers['Wazo-Apply-Status'] == 'rejected'


def test_changes_for_an_engine_not_configured_are_reported_not_dropped(api, worker, core):
    worker.check_engines(force=True)
    with core.db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO apply_outbox (engine, kind) VALUES ('gone', 'sections')"))

    worker.drain()

    assert [(row.failed, row.last_error) for row in _rows(core.db)] == [(True, "engine 'gone' is not configured")]


def test_a_stopping_worker_hands_back_what_it_did_not_reach(api, core, worker, fake_ari, monkeypatch):
    from wazo_confd_pjsip.apply import worker as worker_module

    worker.check_engines(force=True)
    for index in range(3):
        create_endpoint(api, f'e{index}')
    monkeypatch.setattr(worker_module, 'OWNER_BATCH', 1)
    apply_owners = worker._pusher.apply_owners

    def stop_after_the_first(engine, rows, startup_time):
        apply_owners(engine, rows, startup_time)
        worker._stopping.set()

    monkeypatch.setattr(worker._pusher, 'apply_owners', stop_after_the_first)
    worker.drain()

    rows = _rows(core.db, 'claimed_until IS NULL AS free')
    assert len(rows) == 2 and all(row.free for row in rows)


@pytest.mark.parametrize(
    'push, stopped_after',
    [
        ('restart', 'PUT'),  # the phased push of an empty Asterisk, stopped among its PUTs
        ('resync', 'GET'),  # the convergence of a running one, stopped while it reads what Asterisk holds
    ],
)
def test_a_stop_during_a_full_push_leaves_off_and_the_next_start_completes_it(
    api, core, worker, fake_ari, push, stopped_after
):
    for index in range(20):
        create_endpoint(api, f'e{index}', context=f'c{index}')
    worker.check_engines(force=True)
    fake_ari.restart()  # empty: the push makes the 60 objects again
    fake_ari.request_log.clear()
    fake_ari.latency = 0.05
    if push == 'restart':
        pushing = threading.Thread(target=worker.check_engines, kwargs={'force': True})
    else:
        interrupted = []

        def resync():
            try:
                worker.resync('default')
            except PushInterrupted:
                interrupted.append(True)

        pushing = threading.Thread(target=resync)
    pushing.start()
    _until(lambda: sum(r['method'] == stopped_after and '/res_pjsip/' in r['path'] for r in fake_ari.request_log) >= 4)

    worker.begin_stop()
    pushing.join()
    fake_ari.latency = 0

    assert len(fake_ari.objects()) < 60, 'the push did not leave off'
    assert push == 'restart' or interrupted  # a direct call says it left off
    with core.db.engine.connect() as connection:
        assert engine_state.read(connection, 'default').startup_time is None  # the next start must converge
    next_start = build_apply(core.config, core.db, core.catalogue).worker
    next_start.check_engines(force=True)
    assert len(fake_ari.objects()) == 60
    assert {fake_ari.objects()[('endpoint', f'e{i}')]['context'] for i in range(20)} == {f'c{i}' for i in range(20)}


def test_a_waiting_request_is_answered_pending_when_the_stop_begins(api, core, worker, fake_ari):
    fake_ari.down()  # the change cannot be applied: the request would wait its whole 30 s
    responses = []
    waiting = threading.Thread(
        target=lambda: responses.append(api.post('/endpoints/sip', json={'name': 'w'}, query={'wait_applied': '30'}))
    )
    waiting.start()
    _until(lambda: _rows(core.db))  # committed: the request waits

    worker.begin_stop()
    waiting.join(10)

    assert not waiting.is_alive(), 'the waiting request was not answered'
    assert responses[0].status_code == 201
    assert responses[0].headers['Wazo-Apply-Status'] == 'pending'
    fake_ari.up()


def _until(condition, timeout=10.0):
    """A bound for a step of a test to happen, not a measure."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'the expected step did not happen'
        time.sleep(0.005)


def _raise(error):
    def fail(*args, **kwargs):
        raise error

    return fail


def test_without_a_default_engine_an_endpoint_must_name_its_engine(core, engines_config, database):
    config = {**core.config, 'asterisk': {'engines': {'east': engines_config['default']}}}
    east_only = build_core(config, database)
    client = ApiClient(create_app(east_only).test_client())

    refused = client.post('/endpoints/sip', json={'name': 'nowhere'})
    assert refused.status_code == 400
    assert refused.json == [
        "Input Error - asterisk_id: required: no engine named 'default' is configured (known: east)"
    ]
    assert client.post('/endpoints/sip', json={'name': 'east1', 'asterisk_id': 'east'}).status_code == 201
    assert client.post('/endpoints/sip/templates', json={'name': 'anywhere'}).status_code == 201
    east_only.stop()


def _worker_session(db):
    """A raw autocommit connection holding a worker's liveness lock, as a running worker's listener does."""
    connection = db.engine.raw_connection()
    connection.detach()
    connection.set_isolation_level(0)
    return connection, queue.register_worker(connection)


def _until_gone(db, worker_id):
    """PostgreSQL releases a closed session's locks when its backend exits, a moment after the close."""
    query = (
        sa.select(sa.func.count()).select_from(queue._LIVE_WORKERS).where(queue._LIVE_WORKERS.c.worker_id == worker_id)
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with db.engine.connect() as connection:
            if connection.execute(query).scalar() == 0:
                return
        time.sleep(0.02)
    raise AssertionError(f'worker {worker_id} still holds its liveness lock 10 s after its session closed')


def test_the_claims_of_a_dead_worker_are_taken_over_at_once(api, core):
    create_endpoint(api, 'alice')
    session, dead_worker = _worker_session(core.db)
    assert len(queue.claim(core.db, 10, lease_seconds=120, worker_id=dead_worker)) == 1

    session.close()  # what a SIGKILL does to the worker's database session
    _until_gone(core.db, dead_worker)

    taken_over = queue.claim(core.db, 10, lease_seconds=120, worker_id=None)
    assert len(taken_over) == 1


def test_a_live_worker_of_another_database_with_the_same_id_keeps_no_claim_alive(api, core, postgres_server_uri):
    from tests.databases import create_database, drop_database

    create_endpoint(api, 'alice')
    session, dead_worker = _worker_session(core.db)
    assert len(queue.claim(core.db, 10, lease_seconds=120, worker_id=dead_worker)) == 1
    session.close()
    _until_gone(core.db, dead_worker)
    other_uri, other_name = create_database(postgres_server_uri)
    other = sa.create_engine(other_uri)
    try:
        with other.connect() as connection:  # another service's worker, numbered from its own sequence
            connection.execute(sa.select(sa.func.pg_advisory_lock(queue.WORKER_LOCK_NAMESPACE, dead_worker)))

            assert len(queue.claim(core.db, 10, lease_seconds=120, worker_id=None)) == 1
    finally:
        other.dispose()
        drop_database(postgres_server_uri, other_name)


def test_the_claims_of_a_slow_but_live_worker_are_kept_until_its_lease_ends(api, core):
    create_endpoint(api, 'alice')
    session, slow_worker = _worker_session(core.db)
    try:
        assert len(queue.claim(core.db, 10, lease_seconds=120, worker_id=slow_worker)) == 1
        _, other_worker = _worker_session(core.db)

        assert queue.claim(core.db, 10, lease_seconds=120, worker_id=other_worker) == []
    finally:
        session.close()


def test_a_running_worker_claims_under_its_own_live_id(api, core, worker, fake_ari):
    fake_ari.down()
    worker.start()
    try:
        create_endpoint(api, 'alice')
        deadline = time.monotonic() + 5
        while not _rows(core.db, 'attempts')[-1].attempts and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker._worker_id is not None
    finally:
        worker.stop()
    assert worker._worker_id is None


def test_when_an_engine_comes_back_its_waiting_changes_are_due_at_once(api, core, worker, fake_ari):
    worker.check_engines(force=True)
    fake_ari.down()
    create_endpoint(api, 'alice')
    worker.drain()  # unreachable: the row waits for its backoff
    with core.db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE apply_outbox SET next_attempt_at = now() + interval '60 seconds'"))
    assert queue.seconds_until_due(core.db) > 50

    fake_ari.up()
    worker.check_engines(force=True)

    assert queue.seconds_until_due(core.db) == 0.0
    assert worker.drain() == 1
    assert [key for key in fake_ari.objects() if key[1] == 'alice']


def test_an_unreachable_engine_is_asked_again_within_half_a_second(api, worker, fake_ari):
    worker.check_engines(force=True)
    assert worker._next_wait() > 0.5  # health_interval while it answers

    fake_ari.down()
    worker.check_engines(force=True)

    assert worker._next_wait() <= 0.5


def test_the_engine_file_is_readable_only_by_its_owner_and_the_group_of_its_folder(worker, pjsip_conf_file):
    import os

    pjsip_conf_file.parent.mkdir(parents=True)
    os.chown(pjsip_conf_file.parent, -1, 4242)  # as Asterisk's group owns /etc/asterisk/pjsip.d

    worker.check_engines(force=True)

    status = os.stat(pjsip_conf_file)
    assert status.st_mode & 0o777 == 0o640  # it may hold a TLS key's password
    assert status.st_gid == 4242


def test_a_restart_between_two_health_checks_gets_its_full_push_before_any_change(api, core, worker, fake_ari):
    worker.check_engines(force=True)
    alice = create_endpoint(api, 'alice')
    create_endpoint(api, 'bob')
    worker.drain()
    fake_ari.restart()  # no health check is due: only the next push can notice it
    body = {'endpoint_section_options': [['context', 'b'], ['allow', '!all,ulaw']]}
    api.put(f'/endpoints/sip/{alice["uuid"]}', json=body)

    worker.drain()

    objects = fake_ari.objects()
    assert objects[('endpoint', 'alice')]['context'] == 'b'
    assert {('auth', 'alice'), ('aor', 'alice'), ('endpoint', 'bob')} <= set(objects)
    assert _rows(core.db) == []


def test_a_running_worker_carries_on_after_its_database_connections_are_cut(api, core, worker, fake_ari):
    worker.check_engines(force=True)
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while worker._worker_id is None and time.monotonic() < deadline:
            time.sleep(0.01)
        first_id = worker._worker_id
        with core.db.engine.connect() as connection:  # what a PostgreSQL restart does to every session
            cut = connection.execute(
                sa.text(
                    'SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity'
                    ' WHERE datname = current_database() AND pid <> pg_backend_pid()'
                )
            ).scalar()
        assert cut >= 2  # the worker's LISTEN connection and its bookkeeping pool's

        response = api.post('/endpoints/sip', json={'name': 'after-the-cut'}, query={'wait_applied': '10'})

        assert response.headers['Wazo-Apply-Status'] == 'applied'
        assert ('endpoint', 'after-the-cut') in fake_ari.objects()
        assert worker._worker_id not in (None, first_id)  # listening again, under a new id
    finally:
        worker.stop()
