# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import StatusResource


class Plugin:
    def load(self, dependencies):
        dependencies.api.add_resource(
            StatusResource,
            '/status',
            resource_class_args=(dependencies.authenticator,),
            resource_class_kwargs={
                'auth_backend': dependencies.auth_backend,
                'reporters': dependencies.status_reporters,
            },
        )
