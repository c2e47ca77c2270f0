"""The codec list an endpoint ends up with after its ``allow``/``disallow`` lines.

Asterisk applies each line as an edit of the list, token by token (comma separated):
``allow=x`` appends x unless present (keeping its place and first framing), ``disallow=x``
removes it, a ``!`` prefix swaps allow and disallow, ``all`` means every codec, and a value
written ``(a|b)`` first clears the list then applies ``a`` and ``b``. Codec names compare
case-insensitively, without their ``:framing``.

The result is a list of tokens that, applied to an empty list, gives the same codecs: plain
codec names, except after ``allow=all``. Which codecs "all" holds, and in what order, depends
on the running Asterisk, so from there on the edits are kept as tokens (``all``, ``!g729``,
``ulaw``...) for Asterisk to replay.
"""

ALL = 'all'
CODEC_KEYS = frozenset({'allow', 'disallow'})


def _name(token):
    head, colon, _framing = token.rpartition(':')
    return (head if colon else token).lower()


def _edits(key, value):
    """(allowing, token) for each edit of one line, the ``(a|b)`` clearing being a disallowed "all"."""
    allowing = key == 'allow'
    separator = ','
    if value.startswith('(') and value.endswith(')') and len(value) > 1:
        yield False, ALL
        value, separator = value[1:-1], '|'
    for token in value.split(separator):
        negated = token.startswith('!')
        token = token[1:] if negated else token
        if token:  # Asterisk skips empty tokens as unknown codecs
            yield allowing != negated, token


def apply_codec_edits(lines):
    """Tokens of the codec list after applying ``lines`` ((key, value) pairs, allow/disallow)."""
    codecs = []  # plain names while "all" has not been allowed
    replayed = None  # the tokens to replay once it has
    for key, value in lines:
        for allowing, token in _edits(key, value):
            if not allowing and _name(token) == ALL:
                codecs, replayed = [], None
            elif replayed is not None:
                replayed.append(token if allowing else '!' + token)
            elif allowing and _name(token) == ALL:
                replayed = [*codecs, ALL]
            elif allowing:
                if all(_name(codec) != _name(token) for codec in codecs):
                    codecs.append(token)
            else:
                codecs = [codec for codec in codecs if _name(codec) != _name(token)]
    return codecs if replayed is None else replayed


def codec_line_value(codecs):
    """One ``allow`` value that sets exactly these codecs whatever came before: ``!all,...``."""
    return ','.join(['!all', *codecs])
