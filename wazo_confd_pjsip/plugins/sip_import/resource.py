# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import codecs

from flask import g, request

from ...auth import AuthServiceUnavailable, Unauthorized
from ...errors import InvalidInput, Refused
from ...http.auth import AuthResource, required_acl
from ...http.errors import ServiceUnavailableError
from ...http.params import parse_bool, parse_text
from ...sipconf import DEFAULT_MAX_BYTES, SipConfError
from ...sipconf.naming import Naming
from .progress import LoggedProgress

SIP_CONF_FILE = 'sip.conf'  # how errors name the request body
ENGINE_WIDE_WRITE_ACLS = (
    'confd.sip.transports.create',
    'confd.asterisk.pjsip.global.update',
    'confd.asterisk.pjsip.system.update',
)


class SipImportResource(AuthResource):
    @required_acl('confd.asterisk.sip.import.create')
    def post(self):
        dry_run = parse_bool('dry_run', request.args.get('dry_run'))
        update = parse_bool('update', request.args.get('update'))
        try:
            naming = Naming.of(parse_text('prefix', request.args.get('prefix')), request.args.getlist('rename'))
        except ValueError as e:
            raise InvalidInput('rename', str(e))
        data, encoding = _sip_conf_body()
        master = self._may_change_engine_wide_objects()
        progress = LoggedProgress(g.tenant.uuid)
        try:
            report = self.service.run(
                g.tenant.uuid,
                data,
                master=master,
                dry_run=dry_run,
                naming=naming,
                update=update,
                file=SIP_CONF_FILE,
                encoding=encoding,
                progress=progress,
            )
        except SipConfError as e:
            raise InvalidInput(None, str(e))
        finally:
            progress.finish()
        if report.failed and not dry_run:
            raise Refused(report.problems)
        return report.as_json(), 200 if dry_run else 201

    def _may_change_engine_wide_objects(self):
        """Into the master tenant only, and as for their own routes: a token of the master tenant, holding their
        write ACLs."""
        if not self.auth_backend.master_tenant_uuid() == g.tenant.uuid == g.tenant.token_tenant_uuid:
            return False
        try:
            for acl in ENGINE_WIDE_WRITE_ACLS:
                self.auth_backend.check_token(g.tenant.token, acl)
        except Unauthorized:
            return False
        except AuthServiceUnavailable as e:
            raise ServiceUnavailableError(f'Authentication server unreachable: {e}')
        return True


def _sip_conf_body():
    """(bytes, encoding) of a text/plain body of at most DEFAULT_MAX_BYTES, or a 400."""
    if request.mimetype != 'text/plain':
        raise InvalidInput('Content-Type', 'must be text/plain: the sip.conf text')
    encoding = request.mimetype_params.get('charset', 'utf-8')
    try:
        # a text encoding: codecs also knows bytes-to-bytes ones (hex, base64, zip...)
        known = codecs.lookup(encoding)._is_text_encoding
    except LookupError:
        known = False
    if not known:
        raise InvalidInput('Content-Type', f"unknown charset '{encoding}'")
    too_large = InvalidInput('body', f'larger than the limit of {DEFAULT_MAX_BYTES} bytes')
    # Refused before reading when the client states the size; bounded reading otherwise.
    if (request.content_length or 0) > DEFAULT_MAX_BYTES:
        raise too_large
    data = request.stream.read(DEFAULT_MAX_BYTES + 1)
    if len(data) > DEFAULT_MAX_BYTES:
        raise too_large
    if not data.strip():
        raise InvalidInput('body', 'empty: expected the sip.conf text')
    return data, encoding
