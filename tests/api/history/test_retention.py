# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Retention: records older than the days kept, or beyond the count kept per resource, are pruned."""
import sqlalchemy as sa

from wazo_confd_pjsip.plugins.history.pruner import HistoryPruner

from ..endpoint_sip.helpers import ENDPOINTS, create_endpoint, item_path


def labels_kept(api, endpoint):
    return [item['after']['label'] for item in api.get(f'{item_path(ENDPOINTS, endpoint)}/history').json['items']]


def test_only_the_newest_records_of_each_resource_are_kept(api, core):
    endpoint, other = create_endpoint(api, label='v0'), create_endpoint(api, label='w0')
    for version in range(1, 5):
        api.put(item_path(ENDPOINTS, endpoint), json={'label': f'v{version}'})

    deleted = HistoryPruner(core.db, retention_days=None, max_per_resource=2, interval=3600).prune_once()

    assert labels_kept(api, endpoint) == ['v4', 'v3']
    assert labels_kept(api, other) == ['w0']
    assert deleted == 3  # the default templates' single records are kept


def test_records_older_than_the_retention_are_pruned(api, core, database):
    old, recent = create_endpoint(api, label='old'), create_endpoint(api, label='recent')
    with database.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE change_history SET recorded_at = now() - interval '10 days' WHERE resource_uuid = :uuid"),
            {'uuid': old['uuid']},
        )

    HistoryPruner(core.db, retention_days=7, max_per_resource=None, interval=3600).prune_once()

    assert api.get(f'{item_path(ENDPOINTS, old)}/history').status_code == 404
    assert labels_kept(api, recent) == ['recent']
