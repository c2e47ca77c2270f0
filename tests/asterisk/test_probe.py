# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from tests.fakes.fake_ari import FakeAri
from wazo_confd_pjsip.asterisk.ari import AriClient, AriRejected
from wazo_confd_pjsip.asterisk.objects import AsteriskObject
from wazo_confd_pjsip.asterisk.probe import PROBE_ENDPOINT_ID, merges_set_var

from .conftest import PASSWORD, USER


@pytest.mark.parametrize('patched', [False, True], ids=['stock', 'patched'])
def test_probe_tells_a_patched_asterisk_from_a_stock_one_and_leaves_nothing(patched):
    with FakeAri(username=USER, password=PASSWORD, set_var_round_trips=patched) as fake:
        with AriClient(fake.url, USER, PASSWORD) as client:
            assert merges_set_var(client) is patched
        assert fake.objects() == {}
        fake.assert_healthy()


def test_probe_left_behind_by_an_interrupted_probe_is_replaced(fake_ari, ari):
    ari.put_object(AsteriskObject('endpoint', PROBE_ENDPOINT_ID, (('context', 'left'),)))  # no codecs: cannot merge

    assert merges_set_var(ari) is False
    assert fake_ari.objects() == {}


def test_other_refusals_are_not_taken_for_an_answer(fake_ari):
    with AriClient(fake_ari.url, 'viewer', 'look') as read_only:
        with pytest.raises(AriRejected) as refused:
            merges_set_var(read_only)

    assert refused.value.status == 403
