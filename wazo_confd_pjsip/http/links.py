# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from flask import url_for


def link(rel, endpoint, **values):
    """An absolute link; behind a proxy, X-Script-Name / X-Forwarded-* shape it (see app.ProxyHeaders)."""
    return {'rel': rel, 'href': url_for(endpoint, _external=True, **values)}
