# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The README's curl examples, as a reader runs them: its `sh` blocks, in order, in one bash.

The reader fills in two values (URL and TOKEN, the first block's first lines); nothing else is
changed. curl is wrapped only to note each answer's status on stderr, so that every call is checked:
2xx, or 4xx where the README says the call is refused.
"""
import dataclasses
import re
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parent.parent / 'README.md'
SECTION = '## The API, with curl'
SH_BLOCK = re.compile(r'^```sh\n(.*?)^```', re.MULTILINE | re.DOTALL)
# curl ≥ 7.72 (Debian 12 has 7.88): the write-out goes to stderr, the body stays on stdout.
CURL_STATUS = "curl() { command curl -w '%{stderr}%{http_code} %{method} %{url_effective}\\n' \"$@\"; }\n"


def curl_blocks():
    text = README.read_text()
    start = text.index(SECTION)
    end = text.index('\n## ', start + len(SECTION))
    return SH_BLOCK.findall(text[start:end])


@dataclasses.dataclass(frozen=True)
class Call:
    command: str  # the README line holding the curl
    status: int
    method: str
    url: str

    @property
    def expected_refusal(self):
        return '# refused' in self.command


def run_blocks(blocks, url, token, timeout=120):
    """[Call] of every curl of the blocks, run in one bash (-eu -o pipefail), URL and TOKEN filled in."""
    settings, *rest = blocks
    settings = re.sub(r'^URL=.*$', f'URL={url}', settings, count=1, flags=re.MULTILINE)
    settings = re.sub(r'^TOKEN=.*$', f'TOKEN={token}', settings, count=1, flags=re.MULTILINE)
    script = 'set -eu -o pipefail\n' + CURL_STATUS + '\n'.join([settings, *rest])
    result = subprocess.run(['bash', '-c', script], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f'the README examples failed ({result.returncode}):\n{result.stderr}'
    commands = [line for block in rest for line in block.splitlines() if re.search(r'\bcurl ', line)]
    statuses = [line.split(' ', 2) for line in result.stderr.splitlines() if re.match(r'^\d{3} ', line)]
    assert len(statuses) == len(commands), (commands, result.stderr)
    return [Call(command, int(code), method, url) for command, (code, method, url) in zip(commands, statuses)]


def assert_answered_as_written(calls):
    for call in calls:
        if call.expected_refusal:
            assert 400 <= call.status < 500, call
        else:
            assert 200 <= call.status < 300, call
