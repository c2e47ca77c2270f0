# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Why an inheritance graph cannot be resolved."""


class InheritanceError(Exception):
    pass


class InheritanceLoop(InheritanceError):
    """Templates inherit from themselves; ``uuids`` lists the loop, each one a parent of the previous."""

    def __init__(self, uuids):
        self.uuids = tuple(uuids)
        loop = ' -> '.join(str(uuid) for uuid in (*self.uuids, self.uuids[0]))
        super().__init__(f'inheritance loop: {loop}')


class MissingParent(InheritanceError):
    """A parent template that the lookup does not know."""

    def __init__(self, uuid, child_uuid=None):
        self.uuid = uuid
        self.child_uuid = child_uuid
        referrer = f' (parent of {child_uuid})' if child_uuid is not None else ''
        super().__init__(f'unknown template {uuid}{referrer}')
