# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What makes the engine file (transports, [global], [system]) as the database holds it, and the file it is
written to (asterisk/engine_file.py says why a file, and what a reload does not apply)."""
import os
import tempfile

import sqlalchemy as sa

from ..asterisk.objects import AsteriskObject
from ..database.models import PJSIPEngineSection, SIPTransport


def engine_settings_objects(session):
    transports = session.execute(sa.select(SIPTransport).order_by(SIPTransport.name)).scalars()
    sections = dict(session.execute(sa.select(PJSIPEngineSection.name, PJSIPEngineSection.options)).all())
    objects = [AsteriskObject('transport', t.name, tuple(tuple(line) for line in t.options)) for t in transports]
    for name in ('global', 'system'):
        objects.append(AsteriskObject(name, name, tuple(tuple(line) for line in sections.get(name, []))))
    return objects


def snapshot(objects):
    """JSON-friendly form stored in engine_state.engine_sections."""
    return {f'{obj.type}:{obj.id}': [list(line) for line in obj.fields] for obj in objects}


# The file may hold a TLS private key's password: readable by the owner and Asterisk's group only.
ENGINE_FILE_MODE = 0o640


def write_atomically(path, text):
    """Replace the file at once, mode 0640, in the group of its folder (Asterisk's, e.g. /etc/asterisk/pjsip.d)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix='.wazo-confd-pjsip-')
    try:
        with os.fdopen(descriptor, 'w') as f:
            f.write(text)
        os.chmod(temporary, ENGINE_FILE_MODE)
        _give_to_group_of(directory, temporary)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _give_to_group_of(directory, path):
    group = os.stat(directory).st_gid
    if os.stat(path).st_gid == group:
        return
    try:
        os.chown(path, -1, group)
    except PermissionError:
        raise PermissionError(
            f'cannot give {path} to the group of {directory} (gid {group}), which Asterisk reads '
            'it as: add this service\'s user to that group'
        ) from None
