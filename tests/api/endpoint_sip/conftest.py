# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest


class ChangeRecorder:
    """An after-commit hook: what the notifiers would be given, batch by batch."""

    def __init__(self):
        self.batches = []

    def __call__(self, changes):
        self.batches.append(list(changes))

    @property
    def changes(self):
        return [change for batch in self.batches for change in batch]

    def clear(self):
        self.batches.clear()


@pytest.fixture
def delivered(dependencies):
    recorder = ChangeRecorder()
    hooks = dependencies.db.after_commit_hooks
    hooks.append(recorder)
    yield recorder
    # the Database outlives the test (session fixture): leave its hooks as found
    hooks.remove(recorder)
