# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The migration report of one import, and the error strings of a refused one."""
import dataclasses

from ...errors import AlreadyExists, InvalidInput

RESOURCES = {'endpoint': 'SIPEndpoint', 'template': 'SIPEndpointTemplate', 'transport': 'Transport'}


def where(file, line):
    if file is None:
        return None
    return file if line is None else f'{file}:{line}'


def _issue(issue):
    return {'message': issue.message, 'section': issue.section, 'file': issue.file, 'line': issue.line}


@dataclasses.dataclass
class ImportReport:
    """created holds names (global/system: the options) — made by an import, or that a dry run would make.

    A real import that is refused (conflicts or errors) writes nothing, and its created lists are empty.
    """

    dry_run: bool
    created: dict = dataclasses.field(
        default_factory=lambda: {
            'templates': [],
            'endpoints': [],
            'registrations': [],
            'transports': [],
            'global': {},
            'system': {},
        }
    )
    # what a re-import (update) found in the tenant under its name and updated, or a dry run would
    updated: dict = dataclasses.field(default_factory=lambda: {'templates': [], 'endpoints': []})
    change_set_uuid: str | None = None  # of a committed import (its history change set)
    skipped: list = dataclasses.field(default_factory=list)
    conflicts: list = dataclasses.field(default_factory=list)
    unmapped: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)
    # the same problems as domain errors, each with where it was found: what a refused import answers
    problems: list = dataclasses.field(default_factory=list)

    @property
    def failed(self):
        return bool(self.conflicts or self.errors)

    def add_unmapped(self, unmapped):
        self.unmapped += [dataclasses.asdict(line) for line in unmapped]

    def add_warnings(self, issues):
        self.warnings += [_issue(issue) for issue in issues]

    def add_plan_error(self, issue):
        self.errors.append(_issue(issue))
        location = where(issue.file, issue.line)
        located = f'{location}: {issue.message}' if location else issue.message
        self.problems.append((InvalidInput(None, located), None))

    def add_creation_error(self, error, messages, name, section, file, line):
        """A refusal of the service itself (a value it does not take, a name claimed meanwhile), worded as
        `messages`."""
        for message in messages:
            self.errors.append({'message': message, 'section': section, 'file': file, 'line': line})
        self.problems.append((error, f"('{name}', {where(file, line)})"))

    def add_conflict(self, kind, name, section, file, line):
        self.conflicts.append({'name': name, 'kind': kind, 'section': section, 'file': file, 'line': line})
        self.problems.append((AlreadyExists(RESOURCES[kind], name=name), f'({where(file, line)})'))

    def skip(self, kind, name, reason):
        self.skipped.append({'kind': kind, 'name': name, 'reason': reason})

    def nothing_created(self):
        for made in (self.created, self.updated):
            for key, value in made.items():
                made[key] = type(value)()

    def as_json(self):
        body = dataclasses.asdict(dataclasses.replace(self, problems=[]))  # errors are not data to copy
        del body['problems']
        return body
