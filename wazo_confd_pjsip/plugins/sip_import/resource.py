import codecs

from flask import g, request

from ...http.auth import AuthResource, required_acl
from ...http.errors import APIError, InputError
from ...http.params import parse_bool
from ...sipconf import DEFAULT_MAX_BYTES, SipConfError

SIP_CONF_FILE = 'sip.conf'  # how errors name the request body


class SipImportResource(AuthResource):
    @required_acl('confd.asterisk.sip.import.create')
    def post(self):
        dry_run = parse_bool('dry_run', request.args.get('dry_run'))
        data, encoding = _sip_conf_body()
        # Engine-wide objects follow the token's own tenant, as for the transport routes.
        master = g.tenant.token_tenant_uuid == self.auth_backend.master_tenant_uuid()
        try:
            report = self.service.run(
                g.tenant.uuid, data, master=master, dry_run=dry_run, file=SIP_CONF_FILE, encoding=encoding
            )
        except SipConfError as e:
            raise APIError(f'Input Error - {e}')
        if report.failed and not dry_run:
            raise APIError(*report.messages)
        return report.as_json(), 200 if dry_run else 201


def _sip_conf_body():
    """(bytes, encoding) of a text/plain body of at most DEFAULT_MAX_BYTES, or a 400."""
    if request.mimetype != 'text/plain':
        raise InputError('Content-Type', 'must be text/plain: the sip.conf text')
    encoding = request.mimetype_params.get('charset', 'utf-8')
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError('Content-Type', f"unknown charset '{encoding}'")
    too_large = InputError('body', f'larger than the limit of {DEFAULT_MAX_BYTES} bytes')
    # Refused before reading when the client states the size; bounded reading otherwise.
    if (request.content_length or 0) > DEFAULT_MAX_BYTES:
        raise too_large
    data = request.stream.read(DEFAULT_MAX_BYTES + 1)
    if len(data) > DEFAULT_MAX_BYTES:
        raise too_large
    if not data.strip():
        raise InputError('body', 'empty: expected the sip.conf text')
    return data, encoding
