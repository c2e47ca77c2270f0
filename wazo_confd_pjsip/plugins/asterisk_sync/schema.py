# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

from marshmallow import EXCLUDE, Schema, fields, validate


class ResyncSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # null or absent: every engine
    engine = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1))
