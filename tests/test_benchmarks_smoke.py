# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark command runs end to end (real service, tiny sizes) and prints every row. Nothing is timed."""
import itertools
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks import __main__ as benchmarks_main
from benchmarks import scale
from benchmarks.report import Row, Target, format_table, percentile

REPOSITORY = Path(__file__).resolve().parents[1]
API_ROWS = (
    'get',
    'get ?view=merged',
    'update (PUT)',
    'list limit=100 (a tenant)',
    'list limit=100 search (a tenant)',
    'list limit=100 recurse (master)',
    'list limit=100 recurse search (master)',
    'create',
    'resolve all (Resolver + merged_view)',
    'resolve all + build objects (DesiredState)',
    'service RSS after population',
)
API_MEASURES = ('throughput', 'latency', 'CPU busy, both cores')


def test_quick_api_benchmark_prints_a_row_per_measure_and_stops_the_service():
    result = subprocess.run(
        [sys.executable, '-m', 'benchmarks', 'api', '--quick', '--sizes', '12'],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    separator = next(index for index, line in enumerate(lines) if line.startswith('---'))
    table = itertools.takewhile(lambda line: not line.startswith('load average'), lines[separator + 1 :])
    cells = [re.split(r' {2,}', line.strip()) for line in table if line.strip()]
    assert [row[0] for row in cells] == list(API_ROWS)
    assert {row[1] for row in cells} == {'12'}
    assert all(row[-1] in ('ok', 'MISS', '-') for row in cells)


def _table_cells(stdout):
    lines = stdout.splitlines()
    separator = next(index for index, line in enumerate(lines) if line.startswith('---'))
    notes = ('load average', 'measured against', 'FAILED')
    table = itertools.takewhile(lambda line: not line.startswith(notes), lines[separator + 1 :])
    return [re.split(r' {2,}', line.strip()) for line in table if line.strip()]


def test_quick_apply_benchmark_prints_a_row_per_measure():
    result = subprocess.run(
        [sys.executable, '-m', 'benchmarks', 'apply', '--quick', '--sizes', '8', '--fan-outs', '3', '--fake-ari'],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    cells = _table_cells(result.stdout)
    assert [(row[0], row[1]) for row in cells] == [
        ('full push of N endpoints', '8'),
        ('one-endpoint change, commit → visible', '8'),
        ('new endpoint, commit → visible', '8'),
        ('restart: Asterisk up → full state back', '8'),
        ('outage: ARI back → waiting change visible', '8'),
        ('template change reaching K=3', '3'),
    ]
    assert all(row[-1] in ('ok', 'MISS') for row in cells)
    assert 'measured against the fake ARI' in result.stdout


def test_rows_measured_before_a_failure_are_printed(monkeypatch, capsys):
    def run(options, rows):
        rows.append(Row('first step', 10, (1.0,), 'ms'))
        raise RuntimeError('the second step failed')

    monkeypatch.setitem(
        benchmarks_main.BENCHMARKS, 'apply', SimpleNamespace(TITLE='apply', run=run, add_arguments=lambda group: None)
    )

    with pytest.raises(RuntimeError, match='the second step failed'):
        benchmarks_main.main(['apply'])

    output = capsys.readouterr().out
    assert [row[:2] for row in _table_cells(output)] == [['first step', '10']]
    assert 'FAILED before the end' in output


def test_quick_import_benchmark_prints_a_dry_run_and_an_import():
    result = subprocess.run(
        [sys.executable, '-m', 'benchmarks', 'import', '--sizes', '30'],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert [(row[0], row[1]) for row in _table_cells(result.stdout)] == [
        ('dry run (20 templates)', '30'),
        ('import (20 templates)', '30'),
    ]


def test_unknown_benchmark_is_refused():
    result = subprocess.run(
        [sys.executable, '-m', 'benchmarks', 'nope'], cwd=REPOSITORY, capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert "invalid choice: 'nope'" in result.stderr


@pytest.mark.parametrize('fraction, expected', [(0.0, 1.0), (0.5, 2.5), (0.95, 3.85), (1.0, 4.0)])
def test_percentile_interpolates_between_ranks(fraction, expected):
    assert percentile([4.0, 1.0, 3.0, 2.0], fraction) == pytest.approx(expected)


def test_table_gives_the_verdict_of_each_target():
    rows = [
        Row('fast', 10, (1.0, 2.0, 3.0), 'ms', Target(5)),
        Row('slow', 10, (1.0, 9.0, 9.0), 'ms', Target(5)),
        Row('memory', 10, (150.0,), 'MB', Target(200, statistic='value')),
        Row('untargeted', 10, (1.0,), 'ms'),
        Row('fast tail, slow median', 10, (4.0, 4.0, 5.0), 'ms', Target(5, p50_limit=3)),
        Row('both met', 10, (2.0, 3.0, 5.0), 'ms', Target(5, p50_limit=3)),
    ]

    lines = format_table(rows).splitlines()

    assert [line.split()[-1] for line in lines[2:]] == ['ok', 'MISS', 'ok', '-', 'MISS', 'ok']
    assert '<= 200 MB' in lines[4] and 'p95 <= 5 ms' in lines[2]
    assert 'p50 <= 3, p95 <= 5 ms' in lines[6]


def test_quick_history_benchmark_compares_the_same_writes_with_and_without_history():
    result = subprocess.run(
        [sys.executable, '-m', 'benchmarks', 'history', '--quick', '--sizes', '6', '--samples', '3'],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    cells = _table_cells(result.stdout)
    assert [(row[0], row[1], row[2]) for row in cells] == [
        ('update (PUT), history off', '6', '3'),
        ('update (PUT), history on', '6', '3'),
        ('update (PUT): history overhead of the p50', '6', '1'),
        ('create (POST), history off', '6', '3'),
        ('create (POST), history on', '6', '3'),
        ('create (POST): history overhead of the p50', '6', '1'),
    ]
    assert all(row[-1] in ('ok', 'MISS') for row in cells if 'overhead' in row[0])


def test_quick_scale_benchmark_measures_each_number_of_processes_and_engines():
    result = subprocess.run(
        [sys.executable, '-m', 'benchmarks', 'scale', '--quick', '--fake-ari', '--scale-processes', '1,2'],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    cells = _table_cells(result.stdout)
    api = [f'PUT on {count} API process(es), 2 clients: {what}' for count in (1, 2) for what in API_MEASURES]
    apply = [
        f'apply, {workers} worker(s), batch 500, {engines} engine(s): {what}'
        for workers in (1, 2)
        for engines in (1, 2)
        for what in ('K=4 changes', 'CPU busy, both cores')
    ]
    assert [row[0] for row in cells] == api + apply
    assert {row[1] for row in cells} == {'8'}
    assert 'measured against two fake ARIs' in result.stdout


def test_scale_benchmark_refuses_a_burst_larger_than_an_engine_holds():
    with pytest.raises(ValueError, match='a burst of 9 needs 9 endpoints on 1 engine'):
        scale._burst({'default': [object()] * 4, 'second': [object()] * 4}, 1, 9)
