# Copyright 2026 The wazo-confd-pjsip Authors  (see the AUTHORS file)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Whether a text compiles as Asterisk compiles its regular expressions: the C library's POSIX regcomp().

Python's `re` is another dialect: it takes `(?:a)` and `[[:foo:]]`, which regcomp refuses, so only the C
library itself can say what Asterisk (on a host of the same C library) will accept.
"""

import ctypes
import ctypes.util
import functools

REG_EXTENDED = 1  # the same value in glibc, musl and the BSDs
# Room for the C library's regex_t, whatever its size (64 bytes in glibc on 64-bit hosts).
_REGEX_T_SIZE = 1024


@functools.cache
def _libc():
    libc = ctypes.CDLL(ctypes.util.find_library('c'))
    libc.regcomp.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)
    libc.regcomp.restype = ctypes.c_int
    libc.regfree.argtypes = (ctypes.c_void_p,)
    libc.regfree.restype = None
    return libc


def compiles(pattern: str) -> bool:
    """True when regcomp(pattern, REG_EXTENDED) succeeds. `pattern` holds no NUL (values never do)."""
    libc = _libc()
    compiled = ctypes.create_string_buffer(_REGEX_T_SIZE)
    if libc.regcomp(compiled, pattern.encode('utf-8'), REG_EXTENDED) != 0:
        return False
    libc.regfree(compiled)
    return True
