# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import g

from ...http.auth import AuthResource, required_acl
from ..endpoint_sip.resource import _ItemResource


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


class UserLineEndpointSIP(_ItemResource):
    """The endpoint of a user's line, as GET /endpoints/sip/{uuid} shows it (`?view=merged` too)."""

    @required_acl('confd.users.{user_uuid}.lines.{line_id}.associated.endpoints.sip.read')
    def get(self, user_uuid, line_id):
        return self._get(self.user_lines.endpoint_uuid(g.tenant, str(user_uuid), line_id))
