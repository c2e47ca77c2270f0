# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import request, url_for


def link(rel, endpoint, **values):
    """An absolute link; behind a proxy, X-Script-Name / X-Forwarded-* shape it (see app.ProxyHeaders)."""
    return {'rel': rel, 'href': url_for(endpoint, _external=True, **values)}


def api_link(rel, path):
    """An absolute link to another resource of the confd API (`path` under /1.1), one this service may not serve."""
    return {'rel': rel, 'href': f'{request.url_root}1.1/{path}'}
