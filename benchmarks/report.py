# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Measures, percentiles, targets and the plain-text table every benchmark prints."""
import math
import sys
from dataclasses import dataclass


def progress(message):
    """What a benchmark is doing, on stderr: stdout holds only the tables."""
    print(message, file=sys.stderr, flush=True)


def percentile(values, fraction):
    """Linear interpolation between the closest ranks (numpy's default), fraction in [0, 1]."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError('no values')
    position = (len(ordered) - 1) * fraction
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class Target:
    """Met when the row's `statistic` (p95, max, or value for a single sample) is at most `limit`,
    and its median at most `p50_limit` when one is given."""

    limit: float
    statistic: str = 'p95'
    p50_limit: float | None = None

    def describe(self, unit):
        prefix = '' if self.statistic == 'value' else f'{self.statistic} '
        median = '' if self.p50_limit is None else f'p50 <= {self.p50_limit:g}, '
        return f'{median}{prefix}<= {self.limit:g} {unit}'

    def met_by(self, row):
        median_met = self.p50_limit is None or row.p50 <= self.p50_limit
        return median_met and row.statistic(self.statistic) <= self.limit


@dataclass(frozen=True)
class Row:
    measure: str
    size: int
    values: tuple[float, ...]
    unit: str  # 'ms' or 'MB'
    target: Target | None = None

    @property
    def p50(self):
        return percentile(self.values, 0.50)

    @property
    def p95(self):
        return percentile(self.values, 0.95)

    def statistic(self, name):
        if name == 'p95':
            return self.p95
        if name == 'max' or (name == 'value' and len(self.values) == 1):
            return max(self.values)
        raise ValueError(f'no statistic {name!r} for {len(self.values)} values')

    def verdict(self):
        if self.target is None:
            return ''
        return 'ok' if self.target.met_by(self) else 'MISS'


HEADERS = ('measure', 'N', 'samples', 'p50', 'p95', 'target', 'result')


def _cells(row):
    single = len(row.values) == 1
    return (
        row.measure,
        str(row.size),
        str(len(row.values)),
        '' if single else f'{row.p50:.1f} {row.unit}',
        f'{row.p95:.1f} {row.unit}',
        row.target.describe(row.unit) if row.target else '-',
        row.verdict(),
    )


def format_table(rows):
    """Aligned plain text: measure left-aligned, numbers right-aligned; a blank line between sizes."""
    lines = [HEADERS] + [_cells(row) for row in rows]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADERS))]

    def render(cells):
        first, *others = cells
        return '  '.join([first.ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(others, widths[1:])])

    out = [render(HEADERS), '  '.join('-' * width for width in widths)]
    previous_size = None
    for row, cells in zip(rows, lines[1:]):
        if previous_size is not None and row.size != previous_size:
            out.append('')
        out.append(render(cells))
        previous_size = row.size
    return '\n'.join(line.rstrip() for line in out)
