# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

import pytest

from wazo_confd_pjsip.asterisk.ari import AriAuthError, AriClient, AriRejected, AriUnavailable
from wazo_confd_pjsip.asterisk.objects import AsteriskObject

from .conftest import PASSWORD, USER

ALICE = AsteriskObject(
    'endpoint', 'alice', (('context', 'from-internal'), ('allow', '!all,ulaw'), ('callerid', 'A <1>'))
)


def test_put_and_delete(ari, fake_ari):
    created = ari.put_object(ALICE)
    merged = ari.put_object(AsteriskObject('endpoint', 'alice', (('context', 'other'),)))

    assert dict(created)['allow'] == '(ulaw)'
    assert dict(merged)['context'] == 'other'
    assert fake_ari.objects()[('endpoint', 'alice')]['context'] == 'other'
    assert ari.delete_object('endpoint', 'alice') is True
    assert ('endpoint', 'alice') not in fake_ari.objects()
    assert ari.delete_object('endpoint', 'alice') is False  # already gone: the wanted state


def test_put_sends_fields_as_json(ari, fake_ari):
    ari.put_object(ALICE)

    sent = json.loads(fake_ari.request_log[-1]['body'])
    assert sent == {'fields': [{'attribute': a, 'value': v} for a, v in ALICE.fields]}


def test_ids_are_quoted_in_the_path(ari, fake_ari):
    ari.put_object(AsteriskObject('auth', 'alice~outbound', (('username', 'a'), ('password', 'p'))))

    assert fake_ari.request_log[-1]['path'].endswith('/auth/alice~outbound')
    assert ('auth', 'alice~outbound') in fake_ari.objects()


def test_rejected_value_carries_asterisk_message(ari):
    with pytest.raises(AriRejected) as raised:
        ari.put_object(AsteriskObject('endpoint', 'alice', (('dtmf_mode', 'bogus'),)))

    assert raised.value.status == 400
    assert raised.value.message == "Creation of object 'alice' failed field value validation"


def test_unknown_type_is_rejected_even_on_delete(ari):
    with pytest.raises(AriRejected) as raised:
        ari.delete_object('no_such_type', 'x')

    assert raised.value.message == "objectType 'no_such_type' not found"


def test_read_only_user_is_rejected(fake_ari):
    with AriClient(fake_ari.url, 'viewer', 'look', timeout=2) as client, pytest.raises(AriRejected) as raised:
        client.put_object(ALICE)

    assert (raised.value.status, raised.value.message) == (403, 'Write access denied')


def test_wrong_password_is_an_auth_error_to_retry_later(fake_ari):
    with AriClient(fake_ari.url, USER, 'wrong', timeout=2) as client, pytest.raises(AriAuthError) as raised:
        client.asterisk_info()

    assert isinstance(raised.value, AriUnavailable)
    assert raised.value.status == 401


def test_booting_asterisk_is_unavailable(ari, fake_ari):
    fake_ari.booting = True

    with pytest.raises(AriUnavailable) as raised:
        ari.put_object(ALICE)

    assert (raised.value.status, raised.value.message) == (503, 'Asterisk not booted')


def test_failed_copy_is_a_refusal_with_asterisk_message(ari):
    # Sending the same merge again fails the same way: not an outage to wait out.
    ari.put_object(AsteriskObject('endpoint', 'alice', (('set_var', 'X=1'), ('allow', 'ulaw'))))

    with pytest.raises(AriRejected) as raised:
        ari.put_object(AsteriskObject('endpoint', 'alice', (('context', 'x'),)))

    assert (raised.value.status, raised.value.message) == (500, 'Allocation failed')


def test_asterisk_down_is_unavailable(ari, fake_ari):
    fake_ari.down()

    with pytest.raises(AriUnavailable):
        ari.asterisk_info()


def test_timeout_is_unavailable(fake_ari):
    fake_ari.latency = 0.3
    with AriClient(fake_ari.url, USER, PASSWORD, timeout=0.05) as client, pytest.raises(AriUnavailable):
        client.asterisk_info()


def test_connection_is_reused(ari, fake_ari):
    ari.put_object(ALICE)
    ari.asterisk_info()
    ari.delete_object('endpoint', 'alice')

    assert fake_ari.connections_accepted == 1


def test_new_connection_after_restart(ari, fake_ari):
    before = ari.asterisk_info()
    fake_ari.restart()

    after = ari.asterisk_info()

    assert after.version == before.version == '22.10.1'
    assert after.startup_time != before.startup_time
    assert fake_ari.connections_accepted == 2


def test_reload_module(ari, fake_ari):
    ari.reload_module('res_pjsip.so')

    with pytest.raises(AriRejected) as raised:
        ari.reload_module('nope.so')

    assert fake_ari.reloads == ['res_pjsip.so']
    assert raised.value.status == 404


@pytest.mark.parametrize('url', ['{}', '{}/', '{}/ari', '{}/ari/'])
def test_url_with_or_without_ari_prefix(fake_ari, url):
    with AriClient(url.format(fake_ari.url), USER, PASSWORD, timeout=2) as client:
        assert client.asterisk_info().version == '22.10.1'


def test_a_404_page_that_is_not_aris_is_unavailable(fake_ari):
    # Asterisk's HTTP server answers its own HTML 404 until res_ari is loaded, early in a boot, as it
    # does for any path outside ARI.
    with AriClient(f'{fake_ari.url}/not-ari', USER, PASSWORD, timeout=2) as ari:
        for request in (
            lambda: ari.put_object(ALICE),
            lambda: ari.delete_object('endpoint', 'alice'),
            ari.asterisk_info,
        ):
            with pytest.raises(AriUnavailable) as raised:
                request()
            assert raised.value.status == 404
