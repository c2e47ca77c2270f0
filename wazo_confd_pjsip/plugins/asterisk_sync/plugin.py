# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from ...apply import waiting
from ...apply.outbox import OutboxRecorder
from .resource import EndpointAsteriskResource, SyncResource
from .service import AsteriskSyncService


class Plugin:
    def load(self, dependencies):
        apply = dependencies.apply
        dependencies.db.before_commit_hooks.append(OutboxRecorder(apply.engines))
        waiting.install(dependencies.api.app, dependencies.authenticator, apply.worker)
        service = AsteriskSyncService(dependencies.db, apply.engines, apply.desired, dependencies.endpoint_service)
        args = (dependencies.authenticator,)
        kwargs = {'service': service}
        dependencies.api.add_resource(
            SyncResource, '/asterisk/pjsip/sync', resource_class_args=args, resource_class_kwargs=kwargs
        )
        dependencies.api.add_resource(
            EndpointAsteriskResource,
            '/endpoints/sip/<uuid:uuid>/asterisk',
            resource_class_args=args,
            resource_class_kwargs=kwargs,
        )
