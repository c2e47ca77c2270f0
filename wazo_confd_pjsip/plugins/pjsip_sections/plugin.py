# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import engine_section_resource
from .service import EngineSectionService


class Plugin:
    def load(self, dependencies):
        for section in ('global', 'system'):
            service = EngineSectionService(dependencies.db, dependencies.catalogue, section)
            dependencies.engine_section_services[section] = service
            dependencies.api.add_resource(
                engine_section_resource(section),
                f'/asterisk/pjsip/{section}',
                endpoint=f'pjsip_{section}',
                resource_class_args=(dependencies.authenticator,),
                resource_class_kwargs={'service': service},
            )
