# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import g

from ...http.auth import AuthResource, required_acl


class LineEndpointSIP(AuthResource):
    @required_acl('confd.lines.{line_id}.endpoints.sip.{uuid}.update')
    def put(self, line_id, uuid):
        self.service.associate(g.tenant, line_id, str(uuid))
        return '', 204

    @required_acl('confd.lines.{line_id}.endpoints.sip.{uuid}.delete')
    def delete(self, line_id, uuid):
        self.service.dissociate(g.tenant, line_id, str(uuid))
        return '', 204


class TrunkEndpointSIP(AuthResource):
    @required_acl('confd.trunks.{trunk_id}.endpoints.sip.{uuid}.update')
    def put(self, trunk_id, uuid):
        self.service.associate(g.tenant, trunk_id, str(uuid))
        return '', 204

    @required_acl('confd.trunks.{trunk_id}.endpoints.sip.{uuid}.delete')
    def delete(self, trunk_id, uuid):
        self.service.dissociate(g.tenant, trunk_id, str(uuid))
        return '', 204
