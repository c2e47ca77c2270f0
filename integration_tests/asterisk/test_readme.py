# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The README's tenant examples, run as written against the real Asterisk: the phone it makes registers.

Its engine-wide block is left to tests/test_readme.py (fake ARI): here it would rebind the suite's
transports on the machine's port 5060.
"""
from tests.readme import assert_answered_as_written, curl_blocks, run_blocks

from .conftest import ENDPOINTS, TEMPLATES
from .service import MASTER_TOKEN, Api
from .test_sip import Phone, contacts


def test_the_readme_phone_registers(service, asterisk, sip_port):
    settings, status, templates, endpoints, history, _engine_wide, _cleanup = curl_blocks()
    master = Api(service.url, MASTER_TOKEN)
    try:
        assert_answered_as_written(
            run_blocks([settings, status, templates, endpoints, history], service.url, MASTER_TOKEN)
        )
        # after the history block's revert: registered all the same
        phone = Phone(sip_port, 'alice', 'alice')

        assert phone.register('s3cret').statuses == [401, 200]
        assert contacts(asterisk, 'alice') == [phone.contact]
        assert asterisk.object('endpoint', 'alice')['context'] == ['hq']  # the template's, as edited
    finally:
        for endpoint in master.get(ENDPOINTS, params={'name': 'alice'})['items']:
            master.delete(f'{ENDPOINTS}/{endpoint["uuid"]}')
        for template in master.get(TEMPLATES, params={'label': 'office'})['items']:
            master.delete(f'{TEMPLATES}/{template["uuid"]}')
