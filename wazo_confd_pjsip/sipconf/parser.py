# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parse chan_sip configuration text (sip.conf) into sections whose lines keep their file and line.

Follows Asterisk's config parser: '[name]', '[name](!)' (template), '[name](+)' (append to an
earlier section), '[name](a,b)' (copy a's then b's lines, own lines last), 'key = value',
'key => value', 'key += text', ';' comments, ';-- --;' block comments, '\\;' escapes and
'#include'/'#tryinclude'. Template inheritance is recorded, never flattened: keeping templates is
the point of the migration. Unlike Asterisk, anything doubtful is an error with its file and line
rather than a warning in a log nobody reads.
"""
import posixpath
import re
from dataclasses import dataclass, field, replace

from .register_lines import parse_realm_auth, parse_register

NORMAL = 'normal'
TEMPLATE = 'template'
APPEND = 'append'

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_INCLUDE_DEPTH = 10  # Asterisk's own limit
# Inheritance copies lines, diamonds included: bound what one section expands to.
MAX_INHERITED_LINES = 1000

_CONTROL_CHARACTERS = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


class SipConfError(Exception):
    def __init__(self, message, file, line=None):
        super().__init__(message, file, line)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self):
        where = self.file if self.line is None else f'{self.file}:{self.line}'
        return f'{where}: {self.message}'


@dataclass
class Line:
    key: str
    value: str
    file: str
    line_no: int

    @property
    def position(self):
        return (self.file, self.line_no)


@dataclass
class Section:
    name: str
    kind: str
    parents: list
    lines: list = field(default_factory=list)
    file: str = ''
    line_no: int = 0


@dataclass
class SipConf:
    # The sections as written, in order, '(+)' blocks included (kind APPEND).
    sections: list
    # Lower-cased name -> the section with its '(+)' blocks folded in: what chan_sip sees.
    definitions: dict
    registrations: list
    credentials: list

    def definition(self, name):
        return self.definitions.get(name.lower())


def parse(data, file='sip.conf', read_include=None, max_bytes=DEFAULT_MAX_BYTES, encoding='utf-8'):
    """Parse sip.conf bytes (or text).

    read_include(path) returns the bytes (or text) of an included file, None or FileNotFoundError
    when it does not exist; paths are relative to the including file. Without read_include, any
    '#include' is an error. max_bytes bounds the total size, included files counted.
    """
    parser = _Parser(read_include, max_bytes, encoding)
    parser.parse_file(data, file)
    return parser.result()


def section_lines(conf, name):
    """A section's lines after chan_sip template inheritance: parents' (recursively) in order, own last."""
    return _lines_with_parents(conf.definitions, name)


def _lines_with_parents(definitions, name):
    section = definitions[name.lower()]
    lines = [line for parent in section.parents for line in _lines_with_parents(definitions, parent)]
    return lines + section.lines


class _Parser:
    def __init__(self, read_include, max_bytes, encoding):
        self._read_include = read_include
        self._max_bytes = max_bytes
        self._encoding = encoding
        self._bytes_read = 0
        self._include_stack = []
        self._blocks = []
        self._definitions = {}
        self._inherited_counts = {}  # lower-cased name -> lines it inherits
        self._first_children = {}  # lower-cased name -> the first section that copied its lines
        self._block = None
        self._section = None

    def result(self):
        conf = SipConf(self._blocks, self._definitions, [], [])
        general = conf.definition('general')
        for line in general.lines if general else ():
            if line.key.lower() == 'register':
                conf.registrations.append(self._structured(parse_register, line))
        authentication = conf.definition('authentication')
        for line in authentication.lines if authentication else ():
            if line.key.lower() == 'auth':
                conf.credentials.append(self._structured(parse_realm_auth, line))
        return conf

    @staticmethod
    def _structured(parse_function, line):
        try:
            return parse_function(line.value, line.file, line.line_no)
        except ValueError as e:
            raise SipConfError(str(e), line.file, line.line_no)

    def parse_file(self, data, file):
        text = self._decode(data, file)
        self._include_stack.append(posixpath.normpath(file))
        open_comments = []  # line numbers of the ';--' still open, innermost last
        for line_no, raw in enumerate(text.split('\n'), 1):
            content = _strip_comments(raw.rstrip('\r'), open_comments, line_no).strip()
            if not content:
                continue
            if content.startswith('['):
                self._header(content, file, line_no)
            elif content.startswith('#'):
                self._directive(content, file, line_no)
            else:
                self._assignment(content, file, line_no)
        if open_comments:
            raise SipConfError("unterminated block comment (';--' without '--;')", file, open_comments[-1])
        self._include_stack.pop()

    def _decode(self, data, file):
        if isinstance(data, str):
            data = data.encode('utf-8')
        room = self._max_bytes - self._bytes_read
        if len(data) > room:
            raise SipConfError(
                f'configuration larger than the limit of {self._max_bytes} bytes', file, _line_at(data, max(room, 0))
            )
        self._bytes_read += len(data)
        try:
            text = data.decode(self._encoding)
        except UnicodeDecodeError as e:
            message = f'not {self._encoding} text: binary or wrongly encoded data'
            raise SipConfError(message, file, _line_at(data, e.start))
        control = _CONTROL_CHARACTERS.search(text)
        if control:
            line_no = text.count('\n', 0, control.start()) + 1
            raise SipConfError(f'binary data (control character {control.group()!r})', file, line_no)
        return text.removeprefix('\ufeff')

    def _header(self, content, file, line_no):
        name, closing, rest = content[1:].partition(']')
        name = name.strip()
        if not closing:
            raise SipConfError("unterminated section header (no closing ']')", file, line_no)
        if not name:
            raise SipConfError('empty section name', file, line_no)
        options = _header_options(rest, file, line_no)
        kind = APPEND if '+' in options else TEMPLATE if '!' in options else NORMAL
        parents = [self._known(option, file, line_no).name for option in options if option not in ('!', '+')]
        inherited = sum(self._inherited_counts[p.lower()] + len(self._definitions[p.lower()].lines) for p in parents)
        if inherited > MAX_INHERITED_LINES:
            raise SipConfError(
                f'[{name}] inherits {inherited} lines (more than {MAX_INHERITED_LINES}): templates nest too much',
                file,
                line_no,
            )
        self._block = Section(name, kind, parents, [], file, line_no)
        self._blocks.append(self._block)
        for parent in parents:
            self._first_children.setdefault(parent.lower(), name)
        if kind == APPEND:
            self._section = self._known(name, file, line_no)
            if parents:
                self._refuse_late_lines(file, line_no)
            # Asterisk copies the named parents' lines into the section at this point: copies, so that
            # a '+=' in this block extends the section's value, not the parent's.
            for parent in parents:
                self._section.lines.extend(replace(line) for line in _lines_with_parents(self._definitions, parent))
            return
        previous = self._definitions.get(name.lower())
        if previous:
            where = f'{previous.file}:{previous.line_no}'
            message = f'section [{name}] already defined at {where} (use [{name}](+) to add to it)'
            raise SipConfError(message, file, line_no)
        self._section = Section(name, kind, list(parents), [], file, line_no)
        self._definitions[name.lower()] = self._section
        self._inherited_counts[name.lower()] = inherited

    def _refuse_late_lines(self, file, line_no):
        # chan_sip copies a parent's lines when the child is parsed: lines appended later never reach
        # the child, whereas the child of an imported template gets them all.
        child = self._first_children.get(self._section.name.lower())
        if child:
            name = self._section.name
            raise SipConfError(
                f"lines appended to template '{name}' after '{child}' inherited from it would not reach '{child}'"
                " in chan_sip: move them into the template's definition",
                file,
                line_no,
            )

    def _known(self, name, file, line_no):
        section = self._definitions.get(name.lower())
        if section is None:
            raise SipConfError(f'unknown section [{name}]: a parent must be defined earlier', file, line_no)
        return section

    def _directive(self, content, file, line_no):
        directive, argument = (content[1:].split(None, 1) + [''])[:2]
        directive = directive.lower()
        if directive not in ('include', 'tryinclude'):
            raise SipConfError(f"unsupported directive '#{directive}'", file, line_no)
        target = _unquoted(argument.strip())
        if not target:
            raise SipConfError(f"'#{directive}' needs a file name", file, line_no)
        if self._read_include is None:
            raise SipConfError(f"'#{directive}' is not allowed here: provide a single file", file, line_no)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(file), target))
        if path in self._include_stack:
            loop = ' -> '.join(self._include_stack[self._include_stack.index(path) :] + [path])
            raise SipConfError(f'include loop: {loop}', file, line_no)
        if len(self._include_stack) > MAX_INCLUDE_DEPTH:
            raise SipConfError(f'includes nested deeper than {MAX_INCLUDE_DEPTH} levels', file, line_no)
        try:
            data = self._read_include(path)
        except FileNotFoundError:
            data = None
        except OSError as e:
            raise SipConfError(f"cannot read included file '{path}': {e.strerror or e}", file, line_no)
        if data is None:
            if directive == 'tryinclude':
                return
            raise SipConfError(f"included file '{path}' not found", file, line_no)
        # The included file continues the current section; afterwards this file's section resumes.
        block, section = self._block, self._section
        self.parse_file(data, path)
        self._block, self._section = block, section

    def _assignment(self, content, file, line_no):
        if self._section is None:
            raise SipConfError('line outside a section', file, line_no)
        if self._block.kind == APPEND:
            self._refuse_late_lines(file, line_no)
        key, equal, value = content.partition('=')
        if not equal:
            raise SipConfError("expected 'key = value'", file, line_no)
        if key.endswith('+'):
            key = key[:-1].strip()
            previous = self._last_line(key, self._section.lines)
            if previous:
                previous.value = (previous.value + value).strip()
                return
            parents_lines = [line for p in self._section.parents for line in _lines_with_parents(self._definitions, p)]
            inherited = self._last_line(key, parents_lines)
            value = (inherited.value if inherited else '') + value
        elif value.startswith('>'):  # 'key => value' is 'key = value'
            value = value[1:]
        key = key.strip()
        if not key:
            raise SipConfError("missing key before '='", file, line_no)
        line = Line(key, value.strip(), file, line_no)
        self._block.lines.append(line)
        self._section.lines.append(line)

    @staticmethod
    def _last_line(key, lines):
        # Asterisk matches '+=' keys case-sensitively.
        return next((line for line in reversed(lines) if line.key == key), None)


def _header_options(rest, file, line_no):
    # Asterisk reads '(...)' right after ']' and ignores anything else: here anything else is an error.
    if not rest:
        return []
    if not rest.startswith('('):
        raise SipConfError(f"unexpected text after section header: '{rest}'", file, line_no)
    inside, closing, after = rest[1:].partition(')')
    if not closing:
        raise SipConfError("unterminated section options (no closing ')')", file, line_no)
    if after.strip():
        raise SipConfError(f"unexpected text after section header: '{after.strip()}'", file, line_no)
    return [option.strip() for option in inside.split(',')]


def _strip_comments(raw, open_comments, line_no):
    """The active text of one line; open_comments tracks ';--' blocks across lines (they nest)."""
    kept = []
    start = 0
    while True:
        semicolon = raw.find(';', start)
        if semicolon < 0:
            if not open_comments:
                kept.append(raw[start:])
            break
        if semicolon > start and raw[semicolon - 1] == '\\':
            if not open_comments:
                kept.append(raw[start : semicolon - 1] + ';')
            start = semicolon + 1
        elif raw.startswith(';--', semicolon) and not raw.startswith(';---', semicolon):
            if not open_comments:
                kept.append(raw[start:semicolon])
            open_comments.append(line_no)
            start = semicolon + 3
        elif open_comments and semicolon - 2 >= start and raw[semicolon - 2 : semicolon] == '--':
            open_comments.pop()
            start = semicolon + 1
        elif open_comments:
            start = semicolon + 1
        else:
            kept.append(raw[start:semicolon])
            break
    return ''.join(kept)


def _unquoted(argument):
    for opening, closing in (('"', '"'), ('<', '>')):
        if len(argument) >= 2 and argument[0] == opening and argument[-1] == closing:
            return argument[1:-1].strip()
    return argument


def _line_at(data, offset):
    return data.count(b'\n', 0, offset) + 1
