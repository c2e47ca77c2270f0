# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command-line value types shared by the benchmarks."""
import argparse


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'not an integer: {text!r}')
    if value <= 0:
        raise argparse.ArgumentTypeError(f'must be positive: {text!r}')
    return value


def sizes(text):
    """`1000,10000` -> [1000, 10000]."""
    return [positive_int(part.strip()) for part in text.split(',') if part.strip()] or positive_int(text)
