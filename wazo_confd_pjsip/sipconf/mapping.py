# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A parsed sip.conf -> ImportPlan, and the per-peer view that checks an import round-trips.

- chan_sip templates become templates of the same name; a normal section that other sections
  inherit from also becomes a template, '<name>-template', that its own endpoint inherits too.
- [general] peer defaults become a template labelled 'sip-general', first parent of every endpoint;
  its name is the caller's choice: ids are one namespace across tenants, so the service makes it
  'sip-general-<tenant uuid>'.
- Every sip.conf line either reaches the plan or is listed in plan.unmapped with a reason.
"""

from ..asterisk import syntax
from ..options import OptionCatalogue, validate_option_mapping, validate_options
from ..sections import SECTION_OBJECT_TYPES, SECTIONS
from .addresses import is_port
from .general import TRANSPORT_KEYS, engine_options, transports
from .parser import NORMAL, TEMPLATE, section_lines
from .peer_options import (
    NOT_GENERAL_DEFAULTS,
    PEER_KEYS,
    canonical_key,
    general_defaults,
    line_options,
    peer_address,
    peer_options,
    peer_type,
)
from .plan import ImportPlan, Issue, PlanEntry, PlanRegistration, PlanTransport, Unmapped
from .registrations import SETTING_KEYS as REGISTRATION_KEYS
from .registrations import Peer, registration_name, registration_sections, registration_settings

GENERAL_TEMPLATE = 'sip-general'  # the label of the [general] template, and its default name
_SPECIAL_SECTIONS = ('general', 'authentication')  # chan_sip never reads them as peers

NO_EQUIVALENT = 'no PJSIP equivalent'
NO_EFFECT = 'no effect in this configuration'
NOT_A_DEFAULT = 'chan_sip does not read it from [general]'
SECTION_IGNORED = 'section ignored, as chan_sip did: no type = friend, peer or user'
EMPTY_VALUE = 'empty value: the PJSIP default applies'
REALM_CREDENTIALS = 'no PJSIP equivalent: give the trunks that need it an outbound auth'


def map_sip_conf(conf, general_template=GENERAL_TEMPLATE):
    """The ImportPlan of a parsed sip.conf; general_template names the template of [general]'s defaults."""
    return _PlanBuilder(conf, general_template).build()


def general_template_name(tenant_uuid):
    return f'{GENERAL_TEMPLATE}-{tenant_uuid}'


def flatten_peer(conf, name):
    """A peer's chan_sip lines after inheritance: [general] defaults, its templates in order, its own."""
    general = conf.definition('general')
    defaults = general_defaults(general.lines) if general else []
    return defaults + section_lines(conf, name)


def map_flat_peer(name, lines):
    """{section: [(key, value)]}: the PJSIP lines for a flattened peer, not yet merged.

    An imported endpoint, its templates resolved, must give the same options once both are merged
    the way Asterisk merges (last line wins, repeatable options accumulate).
    """
    return _as_sections(line_options(lines)[0] + peer_options(name, lines)[0])


def _as_sections(options):
    sections = {}
    for section, key, value in options:
        sections.setdefault(section, []).append((key, value))
    return {section: sections[section] for section in SECTIONS if section in sections}


class _PlanBuilder:
    def __init__(self, conf, general_template):
        self.conf = conf
        self.general_template = general_template
        self.plan = ImportPlan()
        self.mapped = set()  # positions of the lines that reached the plan
        self.reasons = {}  # position -> why the line would not map, where its key alone does not tell
        self.template_names = {}  # lower-cased section name -> its template in the plan
        self.peers = {}  # lower-cased name -> registrations.Peer
        self.endpoint_parents = []
        self.warned = set()
        self.section_of = {
            line.position: section.name for section in reversed(conf.definitions.values()) for line in section.lines
        }

    def build(self):
        self._map_general(self.conf.definition('general'))
        parent_keys = {parent.lower() for section in self.conf.definitions.values() for parent in section.parents}
        for key, section in self.conf.definitions.items():
            if key in _SPECIAL_SECTIONS:
                if key in parent_keys:
                    self._issue(self.plan.errors, f'[{section.name}] cannot be a parent: it is not a peer', section)
                continue
            if section.kind == TEMPLATE or key in parent_keys:
                self._add_template(section)
            if section.kind == NORMAL:
                self._add_endpoint(section, key in parent_keys)
        self._map_registrations(self.conf.definition('general'))
        for credential in self.conf.credentials:
            self.reasons[(credential.file, credential.line_no)] = REALM_CREDENTIALS
        self._report_unmapped()
        self._check_names()
        self._check_ports()
        self._check_values()
        return self.plan

    def _map_general(self, general):
        lines = general.lines if general else []
        self.plan.global_options, self.plan.system_options, mapped = engine_options(lines)
        self.mapped |= mapped
        built, mapped = transports(lines, self._warn)
        self.plan.transports = [PlanTransport(name, options) for name, options in built]
        self.mapped |= mapped
        options, mapped = line_options(general_defaults(lines), self._warn)
        self.mapped |= mapped
        if options:
            self.plan.templates.append(
                PlanEntry(
                    self.general_template,
                    [],
                    _as_sections(options),
                    general.file,
                    general.line_no,
                    label=GENERAL_TEMPLATE,
                )
            )
            self.endpoint_parents = [self.general_template]
        for line in lines:
            key = canonical_key(line.key)
            if key in NOT_GENERAL_DEFAULTS:
                self.reasons[line.position] = NOT_A_DEFAULT
            elif key in TRANSPORT_KEYS or key in REGISTRATION_KEYS:
                self.reasons[line.position] = NO_EFFECT

    def _add_template(self, section):
        name = section.name if section.kind == TEMPLATE else f'{section.name}-template'
        self.template_names[section.name.lower()] = name
        options, mapped = line_options(section.lines, self._warn)
        self.mapped |= mapped
        self.plan.templates.append(
            PlanEntry(name, self._parents(section), _as_sections(options), section.file, section.line_no)
        )

    def _add_endpoint(self, section, has_template):
        lines = flatten_peer(self.conf, section.name)
        if peer_type(lines) is None:
            self._issue(self.plan.warnings, SECTION_IGNORED, section)
            for line in section.lines:
                self.reasons.setdefault(line.position, SECTION_IGNORED)
            return
        self.peers[section.name.lower()] = Peer(section.name, peer_address(lines))
        if has_template:  # its own lines are in its template
            own, parents = [], [self.template_names[section.name.lower()]]
        else:
            own, mapped = line_options(section.lines, self._warn)
            self.mapped |= mapped
            parents = self._parents(section)
        options, used = peer_options(section.name, lines, self._warn)
        self.mapped |= used
        sections = _as_sections(own + options)
        parents = self.endpoint_parents + parents
        self.plan.endpoints.append(PlanEntry(section.name, parents, sections, section.file, section.line_no))

    def _parents(self, section):
        names = (self.template_names.get(parent.lower()) for parent in section.parents)
        return [name for name in names if name]

    def _map_registrations(self, general):
        if not self.conf.registrations:
            return
        settings, positions = registration_settings(general.lines, self._warn)
        self.mapped |= positions
        entries = self.plan.templates + self.plan.endpoints + self.plan.transports
        taken = {entry.name.lower() for entry in entries}
        for registration in self.conf.registrations:
            sections, peer, warnings = registration_sections(registration, settings, self.plan.transports, self.peers)
            name = registration_name(registration, taken)
            taken.add(name.lower())
            position = (registration.file, registration.line_no)
            self.mapped.add(position)
            self.plan.registrations.append(PlanRegistration(name, [], sections, *position, peer=peer))
            for message in warnings:
                self._issue(self.plan.warnings, message, general, *position)

    def _report_unmapped(self):
        reported = set()
        for section in self.conf.definitions.values():
            for line in section.lines:
                if line.position in self.mapped or line.position in reported:
                    continue
                reported.add(line.position)
                self.plan.unmapped.append(Unmapped(section.name, line.file, line.line_no, line.key, self._reason(line)))

    def _reason(self, line):
        reason = self.reasons.get(line.position)
        if reason == SECTION_IGNORED:
            return reason
        if not line.value:
            return EMPTY_VALUE
        return reason or (NO_EFFECT if canonical_key(line.key) in PEER_KEYS else NO_EQUIVALENT)

    def _check_names(self):
        # One id namespace for endpoints, templates and transports.
        seen = {}
        plan = self.plan
        for entry in plan.transports + plan.templates + plan.endpoints + plan.registrations:
            where = (getattr(entry, 'file', None), getattr(entry, 'line', None))
            if not syntax.is_name(entry.name) or entry.name.lower() in syntax.RESERVED_NAMES:
                message = f"'{entry.name}' is not a valid PJSIP id: {syntax.NAME_RULE}, not global or system"
                plan.errors.append(Issue(message, entry.name, *where))
            first = seen.setdefault(entry.name.lower(), entry)
            if first is not entry:
                plan.errors.append(Issue(f"'{entry.name}' names two objects: rename one", entry.name, *where))

    def _check_ports(self):
        # A bad port would end up in a contact URI the service takes as it is.
        checked = set()
        for key, section in self.conf.definitions.items():
            if key in _SPECIAL_SECTIONS:
                continue
            for line in section.lines:
                if canonical_key(line.key) != 'port' or not line.value or line.position in checked:
                    continue
                checked.add(line.position)
                if not is_port(line.value):
                    message = f"invalid port '{line.value}': a number from 1 to 65535"
                    self.plan.errors.append(Issue(message, self.section_of.get(line.position), *line.position))

    def _check_values(self):
        # sip.conf values pass through as written: what the service would refuse is an error here.
        catalogue = OptionCatalogue.bundled()
        plan = self.plan
        general = self.conf.definition('general')
        general_position = (general.file, general.line_no) if general else (None, None)
        checks = (
            [
                (
                    entry.name,
                    (entry.file, entry.line),
                    validate_options(catalogue, SECTION_OBJECT_TYPES[section], options),
                )
                for entry in plan.templates + plan.endpoints + plan.registrations
                for section, options in entry.sections.items()
            ]
            + [
                (transport.name, general_position, validate_options(catalogue, 'transport', transport.options))
                for transport in plan.transports
            ]
            + [
                (kind, general_position, validate_option_mapping(catalogue, kind, options))
                for kind, options in (('global', plan.global_options), ('system', plan.system_options))
            ]
        )
        for name, where, errors in checks:
            plan.errors += [Issue(f'{name}: {error.message}', name, *where) for error in errors]

    def _warn(self, line, message):
        if line is None:
            self._issue(self.plan.warnings, message, self.conf.definition('general'))
        else:
            issue = Issue(message, self.section_of.get(line.position), line.file, line.line_no)
            if issue not in self.warned:  # a template's line is evaluated once per peer
                self.warned.add(issue)
                self.plan.warnings.append(issue)

    @staticmethod
    def _issue(issues, message, section, file=None, line=None):
        name = section.name if section else None
        if section and file is None:
            file, line = section.file, section.line_no
        issues.append(Issue(message, name, file, line))
