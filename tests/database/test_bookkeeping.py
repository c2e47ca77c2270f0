# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The apply worker's bookkeeping pool, and the advisory locks its reads start under."""
import threading

import pytest
import sqlalchemy as sa

from wazo_confd_pjsip.apply.locks import advisory_locks


def synchronous_commit(database):
    with database.engine.connect() as connection:
        return connection.execute(sa.text('SHOW synchronous_commit')).scalar()


def test_only_the_bookkeeping_pool_commits_without_waiting_for_the_flush(database_at_head):
    bookkeeping = database_at_head.for_bookkeeping()
    try:
        assert synchronous_commit(bookkeeping) == 'off'
        assert synchronous_commit(database_at_head) == 'on'
    finally:
        bookkeeping.dispose()


def test_a_dead_bookkeeping_connection_fails_once_then_the_pool_is_renewed(database_at_head):
    bookkeeping = database_at_head.for_bookkeeping(pool_size=1)
    try:
        with bookkeeping.engine.connect() as connection:
            pid = connection.execute(sa.text('SELECT pg_backend_pid()')).scalar()
        with database_at_head.engine.connect() as other:
            other.execute(sa.text('SELECT pg_terminate_backend(:pid)'), {'pid': pid})

        with pytest.raises(sa.exc.OperationalError):
            with bookkeeping.engine.connect() as connection:
                connection.execute(sa.text('SELECT 1'))
        with bookkeeping.engine.connect() as connection:
            assert connection.execute(sa.text('SELECT 1')).scalar() == 1
    finally:
        bookkeeping.dispose()


def lock_holders(database):
    with database.engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).scalar()


def test_what_a_failing_holder_left_uncommitted_is_rolled_back_and_its_locks_released(database_at_head):
    with database_at_head.engine.connect() as connection:
        with pytest.raises(RuntimeError):
            with advisory_locks(connection, ['apply-owner:default:a'], shared=['apply-engine:default']):
                connection.execute(sa.text("INSERT INTO apply_outbox (engine, kind) VALUES ('default', 'sections')"))
                assert lock_holders(database_at_head) == 2
                raise RuntimeError('the push failed')

    with database_at_head.engine.connect() as connection:
        assert connection.execute(sa.text('SELECT count(*) FROM apply_outbox')).scalar() == 0
    assert lock_holders(database_at_head) == 0


def test_reads_under_the_locks_wait_for_the_holder_and_see_what_it_committed(database_at_head):
    seen = []
    with database_at_head.engine.connect() as holder:
        with advisory_locks(holder, ['apply-owner:default:a']):

            def read_under_the_lock():
                with database_at_head.engine.connect() as reader:
                    with advisory_locks(reader, ['apply-owner:default:a']):
                        seen.append(reader.execute(sa.text('SELECT count(*) FROM apply_outbox')).scalar())

            waiting = threading.Thread(target=read_under_the_lock)
            waiting.start()
            waiting.join(0.5)
            assert waiting.is_alive() and seen == []  # it waits for the lock
            holder.execute(sa.text("INSERT INTO apply_outbox (engine, kind) VALUES ('default', 'sections')"))
            holder.commit()
    waiting.join(10)

    assert seen == [1]
