# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from werkzeug.middleware.proxy_fix import ProxyFix


class ProxyHeaders:
    """Links and Location headers as the client sees them behind nginx.

    X-Forwarded-Proto/Host/Port/Prefix are honoured by ProxyFix; Wazo's nginx also sends
    X-Script-Name (e.g. /api/confd), which becomes the script root.
    """

    def __init__(self, wsgi_app):
        self._app = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)

    def __call__(self, environ, start_response):
        script_name = environ.get('HTTP_X_SCRIPT_NAME', '').strip('/')
        if script_name:
            # Always an absolute path, or the links would glue it to the host name.
            environ['SCRIPT_NAME'] = f'/{script_name}'
        return self._app(environ, start_response)
