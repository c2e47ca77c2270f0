# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PostgreSQL advisory locks, so that several workers (threads or processes) never apply one thing twice.

An owner's apply holds its engine's lock shared and the owner's lock exclusively; a full resync
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


@contextlib.contextmanager
def advisory_locks(connection, texts):
    """Several exclusive locks, always taken in one order, so that two workers cannot deadlock."""
    keys = (
        sa.select(_key(sa.column('name', sa.Text)).label('key'))
        .select_from(sa.func.unnest(sa.cast(sorted(texts), sa.ARRAY(sa.Text))).alias('name'))
        .order_by('key')
        .subquery()
    )
    connection.execute(sa.select(sa.func.count(sa.func.pg_advisory_lock(keys.c.key))))
    connection.commit()
    try:
        yield
    finally:
        connection.execute(sa.select(sa.func.count(sa.func.pg_advisory_unlock(keys.c.key))))
        connection.commit()


def engine_lock_name(engine_name):
    return f'apply-engine:{engine_name}'


def sections_lock_name(engine_name):
    return f'apply-sections:{engine_name}'


def owner_lock_name(engine_name, owner_uuid):
    return f'apply-owner:{engine_name}:{owner_uuid}'
