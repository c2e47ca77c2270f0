# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A complete pjsip.conf for one engine: the engine file and every endpoint, flattened.

For an Asterisk without ARI push configuration, and for export.
"""
from ..asterisk import engine_file
from . import engine_settings


def render_engine(db, desired, engine_name):
    with db.read_only() as session:
        objects = engine_settings.engine_settings_objects(session)
        for endpoint_objects in desired.for_engine(session, engine_name).values():
            objects.extend(endpoint_objects)
    return engine_file.render(objects, header=engine_file.FULL_RENDER_HEADER)
