# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who makes the changes of a request, for their history: the token's user, tenant and auth id,
and the request id (X-Request-ID as a proxy set it, else a new one, sent back either way)."""
import uuid as uuid_lib

from flask import g, request

from ..database.session import Actor

REQUEST_ID_HEADER = 'X-Request-ID'
MAX_REQUEST_ID_LENGTH = 128


def install(app, db):
    @app.before_request
    def act_as_the_caller():
        given = request.headers.get(REQUEST_ID_HEADER, '')
        g.request_id = (
            given if 0 < len(given) <= MAX_REQUEST_ID_LENGTH and given.isprintable() else str(uuid_lib.uuid4())
        )
        g.acting_as = db.acting_as(_caller)
        g.acting_as.__enter__()

    @app.after_request
    def send_request_id(response):
        response.headers[REQUEST_ID_HEADER] = g.request_id
        return response

    @app.teardown_request
    def stop_acting(error):
        acting_as = g.pop('acting_as', None)
        if acting_as is not None:
            acting_as.__exit__(None, None, None)


def _caller():
    """Resolved at the first commit only: the token's details may cost a call to wazo-auth."""
    tenant = g.get('tenant')
    if tenant is None:
        return Actor(via='api', request_id=g.request_id)
    info = tenant.token_info
    return Actor('api', info.user_uuid, info.tenant_uuid, info.auth_id, g.request_id)
