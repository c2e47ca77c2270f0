# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Waiting in tests for what a background thread does: a bound, never a timing asserted."""
import time

WAIT = 10.0


def eventually(condition, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f'not within {timeout} s: {what}'
        time.sleep(0.01)
