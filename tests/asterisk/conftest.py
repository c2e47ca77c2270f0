# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from tests.fakes.fake_ari import FakeAri
from wazo_confd_pjsip.asterisk.ari import AriClient

USER = 'wazo'
PASSWORD = 'secret'


@pytest.fixture
def fake_ari():
    """A fake Asterisk that must not crash during the test."""
    with FakeAri(username=USER, password=PASSWORD, read_only_users={'viewer': 'look'}) as fake:
        yield fake
        fake.assert_healthy()


@pytest.fixture
def ari(fake_ari):
    with AriClient(fake_ari.url, USER, PASSWORD, timeout=2) as client:
        yield client
