# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fake ARI in a process of its own, so that it does not share the benchmarked process's GIL.

Driven through stdin: `restart` (a new Asterisk: pushed objects gone), `count` (objects held),
`quit`; each command answers one line on stdout. The first line printed is the fake's URL.
"""
import contextlib
import subprocess
import sys


class FakeAriProcess:
    def __init__(self):
        self._process = subprocess.Popen(
            [sys.executable, '-m', 'benchmarks.fake_ari_process'],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = self._process.stdout.readline().strip()

    def _command(self, command):
        self._process.stdin.write(command + '\n')
        self._process.stdin.flush()
        return self._process.stdout.readline().strip()

    def restart(self):
        self._command('restart')

    def object_count(self):
        return int(self._command('count'))

    def close(self):
        with contextlib.suppress(BrokenPipeError):
            self._command('quit')
        self._process.wait(10)


def _serve():
    from tests.fakes.fake_ari import FakeAri

    with FakeAri(username='wazo', password='secret') as fake:
        print(fake.url, flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == 'restart':
                fake.restart()
                print('ok', flush=True)
            elif command == 'count':
                print(len(fake.objects()), flush=True)
            elif command == 'quit':
                print('bye', flush=True)
                break


if __name__ == '__main__':
    _serve()
