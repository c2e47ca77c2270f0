# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Import refusals found in review: ACLs of engine-wide objects, odd charsets."""
from .conftest import imported, post_sip_conf

IMPORT_ONLY_TOKEN = 'import-only-token'
ENGINE_WIDE = '[general]\nuseragent=Imported\ntcpenable=yes\ntcpbindaddr=0.0.0.0:5999\n'


def test_engine_wide_parts_need_their_own_write_acls(api, fake_auth):
    from ..conftest import MAIN

    fake_auth.add_token(IMPORT_ONLY_TOKEN, tenant_uuid=MAIN, acl=['confd.asterisk.sip.import.create'])

    report = imported(api.as_(IMPORT_ONLY_TOKEN), ENGINE_WIDE)

    assert report['created']['global'] == {}
    assert report['created']['transports'] == []
    assert {entry['kind'] for entry in report['skipped']} >= {'global', 'transport'}
    assert api.get('/asterisk/pjsip/global').json['options']['user_agent'] == 'Wazo PBX'
    assert api.get('/sip/transports').json['total'] == 0


def test_the_master_administrator_imports_engine_wide_parts(api):
    report = imported(api, ENGINE_WIDE)

    assert report['created']['global'] == {'user_agent': 'Imported'}
    assert api.get('/asterisk/pjsip/global').json['options']['user_agent'] == 'Imported'


def test_a_charset_that_is_not_a_text_encoding_is_refused(api):
    response = post_sip_conf(api, '[a]\ntype=peer\n', content_type='text/plain; charset=hex')

    assert response.status_code == 400
    assert response.json == ["Input Error - Content-Type: unknown charset 'hex'"]
