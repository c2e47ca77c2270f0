# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-confd-pjsip: the PJSIP configuration service of a multi-tenant Wazo-style platform."""
