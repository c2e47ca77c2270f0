# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from tests.fakes.fake_ari import FakeAri


@pytest.fixture
def fake_ari(request):
    """A stock Asterisk; parametrized indirectly with True, one built with contrib/asterisk/patches."""
    with FakeAri(username='wazo', password='secret', set_var_round_trips=getattr(request, 'param', False)) as ari:
        ari.up()
        yield ari
        ari.assert_healthy()


@pytest.fixture
def pjsip_conf_file(tmp_path):
    return tmp_path / 'pjsip.d' / '10-wazo-confd-pjsip.conf'


@pytest.fixture
def engines_config(fake_ari, pjsip_conf_file):
    return {
        'default': {
            'ari': {'url': f'{fake_ari.url}/ari', 'username': 'wazo', 'password': 'secret', 'timeout': 2},
            'pjsip_conf_file': str(pjsip_conf_file),
        }
    }


@pytest.fixture
def worker(core, app):
    return core.apply.worker
