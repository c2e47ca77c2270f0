# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later


from wazo_confd_pjsip.http.errors import wire_messages
from wazo_confd_pjsip.plugins.sip_import.service import SipConfImporter

from ..conftest import MAIN


class _Recorded:
    """A service whose calls are listed in `calls` as 'name.method'."""

    def __init__(self, name, service, calls):
        self._name, self._service, self._calls = name, service, calls

    def __getattr__(self, method):
        def call(*args, **kwargs):
            self._calls.append(f'{self._name}.{method}')
            return getattr(self._service, method)(*args, **kwargs)

        return call


def test_global_and_system_are_merged_last_to_hold_their_row_lock_shortest(core, app):
    calls = []
    services = core.services
    importer = SipConfImporter(
        core.db,
        _Recorded('template', services.templates, calls),
        _Recorded('endpoint', services.endpoints, calls),
        _Recorded('transport', services.transports, calls),
        {name: _Recorded(name, service, calls) for name, service in services.engine_settings.items()},
        describe=wire_messages,
    )
    text = '[general]\nudpbindaddr=0.0.0.0\nuseragent=PBX\ntimert1=600\ncontext=a\n[p]\ntype=friend\nhost=dynamic\n'

    report = importer.run(MAIN, text, master=True, dry_run=True)

    assert not report.failed, report.as_json()
    assert calls == [
        'transport.create_in',
        'template.create_in',
        'endpoint.create_in',
        'global.merge_in',
        'system.merge_in',
    ]
