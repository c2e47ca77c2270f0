# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import dataclasses


@dataclasses.dataclass
class Dependencies:
    """Everything the plugins are given; built once by the service, or by the tests."""

    config: dict
    db: object
    auth_backend: object
    catalogue: object
    tenants: object
    # name → callable returning {"status": "ok"|"fail", ...}, shown by /1.1/status
    status_reporters: dict = dataclasses.field(default_factory=dict)
    # the Asterisk side: engines, desired-state builder, apply worker (apply.components)
    apply: object = None
    # the bus publisher and tenant-events consumer (bus.components.BusComponents); None when disabled
    bus: object = None
    api: object = None
    authenticator: object = None
    # set by the plugins that own them, for the plugins that build on them
    endpoint_service: object = None
    template_service: object = None
    transport_service: object = None
    engine_section_services: dict = dataclasses.field(default_factory=dict)  # 'global' / 'system'
