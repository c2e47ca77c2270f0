# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import engine_settings_resource
from .service import ENGINE_SETTINGS


class Plugin:
    def load(self, routes, core):
        for section in ENGINE_SETTINGS:
            routes.add(
                engine_settings_resource(section),
                f'/asterisk/pjsip/{section}',
                endpoint=f'pjsip_{section}',
                service=core.services.engine_settings[section],
            )
