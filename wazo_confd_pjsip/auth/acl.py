# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wazo-auth's ACL matching, evaluated locally exactly as wazo-auth does.

A token ACL entry is an anchored, case-sensitive pattern over dot-separated segments:
``*`` is any run of characters without a dot, ``#`` is anything (dots included), the whole
segments ``me`` / ``my_session`` also stand for the token's user / session uuid, and the whole
segment ``edit`` also stands for ``update``. Entries starting with ``!`` are refusals and win.
"""
import functools
import re

_PLACEHOLDER = re.compile(r'\{(\w+)\}')
_WILDCARDS = {'*': '[^.]*', '#': '.*'}


def acl_allows(token_acl: list[str], required: str, *, user_uuid=None, session_uuid=None) -> bool:
    refusals = [entry[1:] for entry in token_acl if entry.startswith('!')]
    grants = [entry for entry in token_acl if not entry.startswith('!')]

    def matches(entry):
        return _compile(entry, user_uuid, session_uuid).fullmatch(required) is not None

    if any(matches(entry) for entry in refusals):
        return False
    return any(matches(entry) for entry in grants)


def required_acl(template: str, url_params: dict) -> str:
    """The ACL a request needs: ``{name}`` replaced by the URL parameter, its dots made ``_``.

    Dots would otherwise add segments to the ACL (and let a value escape its segment).
    """
    return _PLACEHOLDER.sub(lambda m: str(url_params[m.group(1)]).replace('.', '_'), template)


# Compiled once per (entry, user, session): this runs on every request.
@functools.lru_cache(maxsize=4096)
def _compile(entry, user_uuid, session_uuid):
    aliases = {'edit': ('edit', 'update')}
    if user_uuid:
        aliases['me'] = ('me', user_uuid)
    if session_uuid:
        aliases['my_session'] = ('my_session', session_uuid)

    def segment_regex(segment):
        if segment in aliases:
            return '(?:' + '|'.join(re.escape(alias) for alias in aliases[segment]) + ')'
        return ''.join(_WILDCARDS.get(char, re.escape(char)) for char in segment)

    return re.compile(r'\.'.join(segment_regex(segment) for segment in entry.split('.')), re.DOTALL)
