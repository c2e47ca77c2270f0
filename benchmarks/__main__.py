# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""python -m benchmarks [api|apply|import|history|gap|scale|all] [--sizes 1000,10000] [--quick] [--samples N] ...

`all` (the default) runs every benchmark below, one table each.
"""
import argparse
import os
import sys

from . import api, apply, gap, history_bench, import_bench, options, scale
from .report import format_table

# name -> module with TITLE, add_arguments(argument group) and run(options) -> [report.Row]
BENCHMARKS = {'api': api, 'apply': apply, 'import': import_bench, 'history': history_bench, 'gap': gap, 'scale': scale}


def _parser():
    parser = argparse.ArgumentParser(
        prog='python -m benchmarks', description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument('benchmark', nargs='?', default='all', choices=[*BENCHMARKS, 'all'])
    parser.add_argument(
        '--sizes', type=options.sizes, help='comma-separated numbers of endpoints (default: per benchmark)'
    )
    parser.add_argument('--quick', action='store_true', help='a small smoke run: tiny sizes, few samples')
    parser.add_argument('--samples', type=options.positive_int, help='timed samples of each measured operation')
    for name, module in BENCHMARKS.items():
        module.add_arguments(parser.add_argument_group(f'{name}: {module.TITLE}'))
    return parser


def main(argv=None):
    arguments = _parser().parse_args(argv)
    names = list(BENCHMARKS) if arguments.benchmark == 'all' else [arguments.benchmark]
    for name in names:
        module = BENCHMARKS[name]
        load_before = os.getloadavg()
        rows = []
        try:
            note = module.run(arguments, rows)
        except Exception:
            # What was measured before the failure is worth seeing; the traceback follows on stderr.
            _print_table(name, module, rows, load_before, 'FAILED before the end: the rows above were measured')
            raise
        _print_table(name, module, rows, load_before, note)
    return 0


def _print_table(name, module, rows, load_before, note):
    print(f'\n{name}: {module.TITLE}\n')
    print(format_table(rows))
    if note:
        print(f'\n{note}')
    # Latencies on a small machine mean little without knowing what else ran meanwhile.
    print(
        f'\nload average (1, 5, 15 min): {_load(load_before)} before, {_load(os.getloadavg())} after; '
        f'{os.cpu_count()} CPUs',
        flush=True,
    )


def _load(averages):
    return ' '.join(f'{value:.2f}' for value in averages)


if __name__ == '__main__':
    sys.exit(main())
