# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import g, request

from ...http.auth import AuthResource, required_acl
from ...http.body import json_body
from ...http.params import ListParams
from .dao import FILTERABLE, SORTABLE
from .representation import represent
from .schema import ViewSchema, load_create, load_update


def _query(name):
    """One parameter of ViewSchema, the others being no business of the route asking."""
    given = {name: request.args[name]} if name in request.args else {}
    return ViewSchema(only=(name,)).load(given)[name]


class _ListResource(AuthResource):
    def _list(self):
        params = ListParams.from_args(request.args, sortable=SORTABLE, default_order='name', filterable=FILTERABLE)
        template_uuid = _query('template_uuid')
        total, items = self.service.list(g.tenant, params, str(template_uuid) if template_uuid else None)
        return {
            'total': total,
            'items': [represent(row, parents, template=self.service.template) for row, parents in items],
        }

    def _create(self):
        row, parents = self.service.create(g.tenant, load_create(json_body()))
        body = represent(row, parents, template=self.service.template)
        return body, 201, {'Location': body['links'][0]['href']}


class _ItemResource(AuthResource):
    def _get(self, uuid):
        if _query('view') == 'merged':
            row, parents, effective = self.service.get_merged(g.tenant, str(uuid))
            return represent(
                row,
                parents,
                template=self.service.template,
                sections=effective.sections,
                transport_uuid=effective.transport_uuid,
            )
        row, parents = self.service.get(g.tenant, str(uuid))
        return represent(row, parents, template=self.service.template)

    def _update(self, uuid):
        self.service.update(g.tenant, str(uuid), load_update(json_body()))
        return '', 204

    def _delete(self, uuid):
        self.service.delete(g.tenant, str(uuid))
        return '', 204


class EndpointSIPList(_ListResource):
    @required_acl('confd.endpoints.sip.read')
    def get(self):
        return self._list()

    @required_acl('confd.endpoints.sip.create')
    def post(self):
        return self._create()


class EndpointSIPItem(_ItemResource):
    @required_acl('confd.endpoints.sip.{uuid}.read')
    def get(self, uuid):
        return self._get(uuid)

    @required_acl('confd.endpoints.sip.{uuid}.update')
    def put(self, uuid):
        return self._update(uuid)

    @required_acl('confd.endpoints.sip.{uuid}.delete')
    def delete(self, uuid):
        return self._delete(uuid)


class EndpointSIPTemplateList(_ListResource):
    @required_acl('confd.endpoints.sip.templates.read')
    def get(self):
        return self._list()

    @required_acl('confd.endpoints.sip.templates.create')
    def post(self):
        return self._create()


class EndpointSIPTemplateItem(_ItemResource):
    @required_acl('confd.endpoints.sip.templates.{uuid}.read')
    def get(self, uuid):
        return self._get(uuid)

    @required_acl('confd.endpoints.sip.templates.{uuid}.update')
    def put(self, uuid):
        return self._update(uuid)

    @required_acl('confd.endpoints.sip.templates.{uuid}.delete')
    def delete(self, uuid):
        return self._delete(uuid)
