# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PostgreSQL advisory locks, so that several workers (threads or processes) never apply one thing twice.

An owner's apply holds its engine's lock shared and the owner's lock exclusively (taken together,
shared first, each kind in key order, so that two workers cannot deadlock); a full resync
holds the engine's lock exclusively. Session-level locks, always released in `finally`.
"""
import contextlib

import sqlalchemy as sa


def _key(text):
    return sa.func.hashtextextended(text, 0)


@contextlib.contextmanager
def advisory_lock(connection, text, shared=False):
    suffix = '_shared' if shared else ''
    connection.execute(sa.select(getattr(sa.func, f'pg_advisory_lock{suffix}')(_key(text))))
    connection.commit()
    try:
        yield
    finally:
        connection.execute(sa.select(getattr(sa.func, f'pg_advisory_unlock{suffix}')(_key(text))))
        connection.commit()


def _locks_statement(verb):
    """Shared locks first, then exclusive ones, each kind in key order: one order for every worker."""
    return sa.text(
        'SELECT count(*) FROM ('
        f' SELECT pg_advisory_{verb}_shared(key) FROM'
        '  (SELECT hashtextextended(name, 0) AS key FROM unnest(CAST(:shared AS text[])) AS name ORDER BY key) s'
        ' UNION ALL'
        f' SELECT pg_advisory_{verb}(key) FROM'
        '  (SELECT hashtextextended(name, 0) AS key FROM unnest(CAST(:exclusive AS text[])) AS name ORDER BY key) e'
        ') taken'
    )


_LOCK, _UNLOCK = _locks_statement('lock'), _locks_statement('unlock')


@contextlib.contextmanager
def advisory_locks(connection, texts, shared=()):
    """Exclusive locks on `texts` and shared ones on `shared`, in one statement and one order for every worker.

    The statement begins the caller's transaction: in read committed, what it reads next sees what
    the locks' last holder committed. What the caller left uncommitted is rolled back at the end.
    """
    names = {'shared': sorted(shared), 'exclusive': sorted(texts)}
    connection.execute(_LOCK, names)
    try:
        yield
    finally:
        connection.rollback()
        connection.execute(_UNLOCK, names)
        connection.commit()


def engine_lock_name(engine_name):
    return f'apply-engine:{engine_name}'


def engine_file_lock_name(engine_name):
    return f'apply-sections:{engine_name}'


def owner_lock_name(engine_name, owner_uuid):
    return f'apply-owner:{engine_name}:{owner_uuid}'


def probe_lock_name(engine_name):
    return f'apply-probe:{engine_name}'
