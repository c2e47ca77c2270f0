# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from .resource import PJSIPDocResource


class Plugin:
    def load(self, routes, core):
        routes.add(PJSIPDocResource, '/asterisk/pjsip/doc', catalogue=core.catalogue)
