# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 13: chan_sip keys with a PJSIP equivalent, and every rename target known to Asterisk."""
import json
from pathlib import Path

import wazo_confd_pjsip
from wazo_confd_pjsip.sipconf import map_sip_conf, parse
from wazo_confd_pjsip.sipconf.peer_options import _RENAMES

# The package's copy of ../shared/reference/pjsip-options.json: a clean clone has only this one.
REFERENCE = Path(wazo_confd_pjsip.__file__).parent / 'options' / 'pjsip-options.json'


def test_accountcode_and_rtpholdtimeout_reach_the_endpoint():
    conf = parse(b'[1001]\ntype=friend\nhost=dynamic\naccountcode=acme\nrtpholdtimeout=300\n', file='sip.conf')
    plan = map_sip_conf(conf)
    [endpoint] = plan.endpoints
    assert ('accountcode', 'acme') in endpoint.sections['endpoint']
    assert ('rtp_timeout_hold', '300') in endpoint.sections['endpoint']
    assert not [u for u in plan.unmapped if u.key in ('accountcode', 'rtpholdtimeout')]


def test_every_rename_target_is_a_pjsip_option():
    options = json.loads(REFERENCE.read_text())
    unknown = [(key, target) for key, target in _RENAMES.items() if target[1] not in options[target[0]]]
    assert unknown == []
