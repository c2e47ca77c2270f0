# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A sip.conf into one tenant, all or nothing: parse, map, then create in a single transaction.

Every object goes through its service's create_in (merge_in for [global]/[system]; update_in for
what a re-import, `update`, finds already in the tenant under its name), so an imported object is
checked, named, recorded and applied to Asterisk exactly like one created by the API. A dry run
does the same work in a transaction it rolls back: the before/after-commit hooks (apply outbox,
bus events) run at commit only, so nothing of it survives, and it cannot disagree with the import.
"""
import dataclasses

from marshmallow import ValidationError

from ... import names
from ...errors import DomainError
from ...sections import SECTIONS, field_name
from ...sipconf import Issue, general_template_name, map_sip_conf, once_each, parse, place_registrations
from ...sipconf.naming import Naming, renamed
from ..endpoint_sip import dao as endpoint_dao
from ..endpoint_sip.schema import load_create, load_update
from ..transports.schema import TransportSchema
from .report import ImportReport

ENGINE_WIDE = "engine-wide: only the master tenant's administrators may import it"
TRANSPORT_KEPT = 'a transport of that name exists: kept as it is'
TRANSPORT_OPTION = 'transport option'
GENERAL_SECTION = 'general'
# The statistics are refreshed from FIRST_ANALYZE endpoints on (see endpoint_sip.dao.refresh_statistics).
FIRST_ANALYZE = 64


class _RollBack(Exception):
    """Leaves the unit of work without committing: a dry run, or a refused import."""


@dataclasses.dataclass(frozen=True)
class _Creators:
    """The services that create each kind of object inside the import's transaction."""

    templates: object
    endpoints: object
    transports: object
    engine_settings: dict


class SipConfImporter:
    def __init__(self, db, templates, endpoints, transports, engine_settings, describe):
        """describe(error) -> [str]: the API's wording of a refusal, for the report."""
        self._db = db
        self._creators = _Creators(templates, endpoints, transports, engine_settings)
        self._describe = describe

    def run(
        self,
        tenant_uuid,
        data,
        *,
        master,
        dry_run,
        naming=Naming(),
        update=False,
        file='sip.conf',
        encoding='utf-8',
        read_include=None,
        progress=None,
    ):
        """The ImportReport of importing sip.conf `data` (bytes in `encoding`, or text) into the tenant.

        master: the caller may change engine-wide objects (transports, [global], [system]).
        naming: the names to give (sipconf.naming: a prefix, renames).
        update: a template or endpoint of the tenant holding a name is updated (a re-import), not a conflict.
        read_include(path) -> bytes, for '#include' (refused without it).
        progress(done, total) is called as objects are created.
        Raises sipconf.SipConfError when the text cannot be parsed: then there is nothing to report.
        """
        conf = parse(data, file=file, read_include=read_include, encoding=encoding)
        report = ImportReport(dry_run)
        job = _Job(conf, report, tenant_uuid, master, progress, naming, update)
        try:
            with self._db.unit_of_work() as uow:
                job.check(uow.session)
                if not report.failed:
                    self._create(uow, job)
                if dry_run or report.failed:
                    raise _RollBack()
                # The history's id of the whole import: POST /1.1/history/change_sets/{uuid}/revert undoes it.
                report.change_set_uuid = uow.change_set_id
        except _RollBack:
            if report.failed and not dry_run:
                report.nothing_created()
        return report

    def _create(self, uow, job):
        try:
            job.create(uow, self._creators)
        except (DomainError, ValidationError) as e:
            job.report.add_creation_error(e, self._describe(e), *job.current)


class _Job:
    """One import's plan, what it will create, and its report."""

    def __init__(self, conf, report, tenant_uuid, master, progress, naming, update):
        plan, naming_errors = renamed(map_sip_conf(conf, general_template_name(tenant_uuid)), naming)
        self.plan = plan
        # The plan in the shape the service takes: registrations on their peers, each parent once.
        endpoints, self.placements, placement_warnings = place_registrations(plan)
        self.templates, template_warnings = once_each(plan.templates)
        self.endpoints, endpoint_warnings = once_each(endpoints)
        self.report = report
        report.add_unmapped(plan.unmapped)
        report.add_warnings(plan.warnings + placement_warnings + template_warnings + endpoint_warnings)
        for issue in plan.errors + naming_errors:
            report.add_plan_error(issue)
        self.tenant_uuid = tenant_uuid
        self.tenant = _OneTenant(tenant_uuid)
        self.update = update
        self.updating = {}  # name → uuid of the tenant's template or endpoint an update re-imports
        self.master = master
        self._progress = progress or (lambda done, total: None)
        self._sections = {(section.file, section.line_no): section.name for section in conf.sections}
        general = conf.definition(GENERAL_SECTION)
        self._general_position = (general.file, general.line_no) if general else (None, None)
        self.transports = []  # PlanTransports to create
        self.current = None  # (name, section, file, line) of the object being created
        self._done = 0

    def check(self, session):
        """Fill the report: what will be created, skipped, and the names already taken."""
        created = self.report.created
        candidates = [('template', entry.name, self._position(entry)) for entry in self.templates]
        candidates += [('endpoint', entry.name, self._position(entry)) for entry in self.endpoints]
        if self.master:
            candidates += [('transport', t.name, self._general()) for t in self.plan.transports]
            created['global'] = dict(self.plan.global_options)
            created['system'] = dict(self.plan.system_options)
        else:
            self._skip_engine_wide()
        created['registrations'] = [
            {'endpoint': placed.endpoint, 'file': placed.registration.file, 'line': placed.registration.line}
            for placed in self.placements
        ]
        used_transports = {name for name in map(_registration_transport, self.placements) if name}
        taken = names.holders(session, [name for _, name, _ in candidates] + sorted(used_transports))
        own = self._own_objects(session, [name for kind, name, _ in candidates if kind != 'transport'])
        for kind, name, position in candidates:
            holder = taken.get(name)
            if kind == 'transport' and holder == 'transport':
                self._skip_transport(name, TRANSPORT_KEPT)
            elif name in own and own[name][1] == kind:
                self.updating[name] = own[name][0]
                self.report.updated[f'{kind}s'].append(name)
            elif holder is not None:
                self.report.add_conflict(kind, name, *position)
            else:
                created[f'{kind}s'].append(name)
        planned = set(created['transports'])
        self.transports = [t for t in self.plan.transports if t.name in planned]
        self._warn_missing_transports({name for name, holder in taken.items() if holder == 'transport'} | planned)

    def _own_objects(self, session, candidate_names):
        """name → (uuid, kind) of the tenant's templates and endpoints among the names (update only)."""
        if not self.update or not candidate_names:
            return {}
        rows = endpoint_dao.named(session, self.tenant_uuid, candidate_names)
        return {name: (uuid, 'template' if template else 'endpoint') for name, uuid, template in rows}

    def _warn_missing_transports(self, transports):
        for placed in self.placements:
            used = _registration_transport(placed)
            if used and used not in transports:
                message = f"the registration of '{placed.endpoint}' uses transport '{used}', which does not exist"
                self.report.add_warnings(
                    [Issue(message, GENERAL_SECTION, placed.registration.file, placed.registration.line)]
                )

    def create(self, uow, creators):
        total = len(self.transports) + len(self.templates) + len(self.endpoints)
        for transport in self.transports:
            self.current = (transport.name, *self._general())
            body = TransportSchema().load({'name': transport.name, 'options': [list(o) for o in transport.options]})
            creators.transports.create_in(uow, body)
            self._step(total)
        template_uuids = {}
        for entry in self.templates:
            template_uuids[entry.name] = self._create_or_update(uow, creators.templates, entry, template_uuids)
            self._step(total)
        for count, entry in enumerate(self.endpoints):
            if count >= FIRST_ANALYZE and count & (count - 1) == 0:  # each time the count doubles
                endpoint_dao.refresh_statistics(uow.session)
            self._create_or_update(uow, creators.endpoints, entry, template_uuids)
            self._step(total)
        # Last: merge_in locks the engine section's row until the commit, blocking the API's edits of it.
        for section in ('global', 'system'):
            self.current = (section, *self._general())
            if self.report.created[section]:
                creators.engine_settings[section].merge_in(uow, self.report.created[section])

    def _create_or_update(self, uow, service, entry, template_uuids):
        """The uuid of the template or endpoint `entry` made or, re-imported, updated."""
        self.current = (entry.name, *self._position(entry))
        body = _body(entry, template_uuids, self._label(entry))
        uuid = self.updating.get(entry.name)
        if uuid is None:
            row, _ = service.create_in(uow, self.tenant_uuid, load_create(body))
            return row.uuid
        service.update_in(uow, self.tenant, uuid, load_update(body))
        return uuid

    def _step(self, total):
        self._done += 1
        self._progress(self._done, total)

    def _skip_engine_wide(self):
        for transport in self.plan.transports:
            self._skip_transport(transport.name, ENGINE_WIDE)
        for kind, options in (('global', self.plan.global_options), ('system', self.plan.system_options)):
            for key in options:
                self.report.skip(kind, key, ENGINE_WIDE)

    def _skip_transport(self, name, reason):
        """The transport and each of its options: a dropped externip or localnet means one-way audio behind NAT."""
        self.report.skip('transport', name, reason)
        options = next(t.options for t in self.plan.transports if t.name == name)
        for key, value in options:
            self.report.skip(TRANSPORT_OPTION, f'{name}: {key} = {value}', reason)

    def _label(self, entry):
        """What wazo-ui shows: the sip.conf section's name (a register line's endpoint: its own name)."""
        return entry.label or self._sections.get((entry.file, entry.line), entry.name)

    def _position(self, entry):
        """(sip.conf section, file, line) an entry comes from; a registration's line is in [general]."""
        section = self._sections.get((entry.file, entry.line), GENERAL_SECTION)
        return section, entry.file, entry.line

    def _general(self):
        return (GENERAL_SECTION, *self._general_position)


def _registration_transport(placed):
    return dict(placed.registration.sections['registration']).get('transport')


def _body(entry, template_uuids, label):
    """The entry as the endpoint API takes it (to load with the API's own schema): every field given."""
    body = {field_name(section): [list(line) for line in entry.sections.get(section, ())] for section in SECTIONS}
    templates = [{'uuid': template_uuids[parent]} for parent in entry.parents]
    body.update(name=entry.name, label=label, templates=templates)
    return body


@dataclasses.dataclass(frozen=True)
class _OneTenant:
    """The import's tenant, as the services' update_in sees a caller: it sees its own objects only."""

    uuid: str

    def can_see(self, tenant_uuid):
        return tenant_uuid == self.uuid
