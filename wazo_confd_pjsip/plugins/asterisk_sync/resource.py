# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import Response, g, request

from ...asterisk.renderer import render_pjsip_conf
from ...http.auth import AuthResource, master_tenant_only, required_acl
from ...http.body import json_body
from .schema import ResyncSchema


class SyncResource(AuthResource):
    @required_acl('confd.asterisk.pjsip.sync.read')
    @master_tenant_only
    def get(self):
        return {'engines': self.service.status()}

    @required_acl('confd.asterisk.pjsip.sync.create')
    @master_tenant_only
    def post(self):
        body = ResyncSchema().load(json_body() if request.get_data() else {})
        self.service.force_resync(body['engine'])
        return '', 204


class EndpointAsteriskResource(AuthResource):
    @required_acl('confd.endpoints.sip.{uuid}.asterisk.read')
    def get(self, uuid):
        engine, objects, held, pending = self.service.endpoint_objects(g.tenant, str(uuid))
        if request.accept_mimetypes.best_match(['application/json', 'text/plain']) == 'text/plain':
            return Response(render_pjsip_conf(objects), mimetype='text/plain')
        return {
            'engine': engine,
            'pending': pending,
            'objects': [
                {
                    'type': obj.type,
                    'id': obj.id,
                    'fields': [list(line) for line in obj.fields],
                    'applied': held.get(obj.key) == obj,
                }
                for obj in objects
            ],
            'stale_objects': [{'type': key[0], 'id': key[1]} for key in held if key not in {o.key for o in objects}],
        }
