# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a running Asterisk can do that the plan depends on, found by trying it on a throw-away object.

A stock Asterisk 22 cannot copy an endpoint that has a ``set_var``, so every update of one is a
delete and a create; an Asterisk built with contrib/asterisk/patches can, and such endpoints merge.
Nothing in the version says which one runs: the probe creates an endpoint with a ``set_var``,
updates that variable (500 on a stock Asterisk) and reads it back, then deletes it.
"""

from __future__ import annotations

from .ari import ALLOCATION_FAILED, AriClient, AriRejected
from .objects import AsteriskObject
from .syntax import DERIVED_ID_SEPARATOR

# No endpoint name holds the separator (syntax): the probe can never be a real endpoint.
PROBE_ENDPOINT_ID = f'{DERIVED_ID_SEPARATOR}wazo-confd-pjsip-probe'
_VARIABLE = 'WAZO_CONFD_PJSIP_PROBE'
# Codecs and a caller id: without them the copy fails (or changes the object) on any Asterisk.
_PROBE = AsteriskObject(
    'endpoint', PROBE_ENDPOINT_ID, (('allow', 'ulaw'), ('callerid', 'probe <0>'), ('set_var', f'{_VARIABLE}=1'))
)
_UPDATE = AsteriskObject('endpoint', PROBE_ENDPOINT_ID, (('set_var', f'{_VARIABLE}=2'),))


def merges_set_var(client: AriClient) -> bool:
    """Whether this Asterisk updates an endpoint that has a ``set_var`` in place, keeping its variables."""
    client.delete_object('endpoint', PROBE_ENDPOINT_ID)  # one left behind by an interrupted probe
    client.put_object(_PROBE)
    try:
        fields = client.put_object(_UPDATE)
    except AriRejected as e:
        if e.status == 500 and e.message == ALLOCATION_FAILED:
            return False
        raise
    finally:
        client.delete_object('endpoint', PROBE_ENDPOINT_ID)
    return ('set_var', f'{_VARIABLE}=2') in fields
