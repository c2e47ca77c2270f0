# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""history.enabled: false (what the benchmark of its cost compares with): writes record nothing."""
import pytest
import sqlalchemy as sa

from ..endpoint_sip.helpers import ENDPOINTS, create_endpoint, item_path


@pytest.fixture
def config_overrides():
    return {'history': {'enabled': False}}


def test_writes_record_nothing(api, database):
    endpoint = create_endpoint(api, label='A')
    assert api.put(item_path(ENDPOINTS, endpoint), json={'label': 'B'}).status_code == 204

    with database.engine.connect() as connection:
        assert connection.execute(sa.text('SELECT count(*) FROM change_history')).scalar() == 0
    assert api.get(f'{item_path(ENDPOINTS, endpoint)}/history').status_code == 404
