# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import request

from ...errors import NotFound
from ...http.auth import AuthResource, master_tenant_only, required_acl
from ...http.body import json_body
from ...http.links import link
from ...http.params import ListParams, parse_uuid_list
from .dao import FILTERABLE, SORTABLE
from .schema import TransportSchema, TransportUpdateSchema


def serialize(transport):
    """wazo-confd's transport body: uuid, name, options (no links, unlike its other resources)."""
    return TransportSchema().dump(transport)


class TransportList(AuthResource):
    @required_acl('confd.sip.transports.read')
    def get(self):
        params = ListParams.from_args(request.args, sortable=SORTABLE, default_order='name', filterable=FILTERABLE)
        total, items = self.service.list(params)
        return {'total': total, 'items': [serialize(item) for item in items]}

    @required_acl('confd.sip.transports.create')
    @master_tenant_only
    def post(self):
        body = TransportSchema().load(json_body())
        transport = self.service.create(body)
        location = link('sip_transports', 'transport', uuid=transport.uuid)['href']
        return serialize(transport), 201, {'Location': location}


class TransportItem(AuthResource):
    @required_acl('confd.sip.transports.{uuid}.read')
    def get(self, uuid):
        return serialize(self.service.get(str(uuid)))

    @required_acl('confd.sip.transports.{uuid}.update')
    @master_tenant_only
    def put(self, uuid):
        body = TransportUpdateSchema().load(json_body())
        self.service.update(str(uuid), body)
        return '', 204

    @required_acl('confd.sip.transports.{uuid}.delete')
    @master_tenant_only
    def delete(self, uuid):
        self.service.delete(str(uuid), fallback_uuid=_fallback_uuid())
        return '', 204


def _fallback_uuid():
    raw = request.args.get('fallback')
    if raw is None:
        return None
    valid = parse_uuid_list(raw)
    if len(valid) != 1:
        raise NotFound('Transport', uuid=raw)
    return valid[0]
