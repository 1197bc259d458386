"""Make untrusted text safe to put on a terminal.

Every string that came from AWS (names, descriptions, inputs, DLQ bodies, error messages) can
hold bytes a terminal would act on: ESC starts a control sequence that can recolour, move the
cursor, retitle the window or fake a hyperlink; CR and BS overwrite what was drawn; C1 codes
such as CSI (U+009B) do the same on terminals that honour 8-bit controls. `printable` swaps each
of them for a visible stand-in so the operator sees that they are there and the terminal never
receives them. Pure Python on purpose: the UI, the CLI and the audit code can all call it.
"""

from __future__ import annotations

import re
from typing import Final

# C0 (U+0000-U+001F) have Unicode "Control Pictures" (U+2400 + code): one cell each, so table
# columns keep their widths. DEL has U+2421.
_C0_PICTURES: Final = {code: chr(0x2400 + code) for code in range(0x20)}
_DEL_PICTURE: Final = "\u2421"  # ␡
# C1 (U+0080-U+009F) have no pictures; a Python-style escape is unambiguous and greppable.
_C1_ESCAPES: Final = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}
# Line/paragraph separators can start a new line on some terminals, and bidirectional
# overrides/isolates reorder the text that follows them ("Trojan Source"): an operator must see
# the text in its real order, so they are escaped too.
_FORMAT_CODES: Final = (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_FORMAT_ESCAPES: Final = {code: f"\\u{code:04x}" for code in _FORMAT_CODES}

_TABLE: Final[dict[int, str]] = {
    **_C0_PICTURES,
    0x7F: _DEL_PICTURE,
    **_C1_ESCAPES,
    **_FORMAT_ESCAPES,
}
_TABLE_KEEP_NEWLINES: Final[dict[int, str]] = {
    code: value for code, value in _TABLE.items() if code != 0x0A
}

# A search is much cheaper than translate() for the common case (nothing to replace).
_UNSAFE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_NEWLINES: Final = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Return `text` with every control character replaced by a visible placeholder.

    C0 controls become their Control Pictures (ESC -> "␛", NUL -> "␀", TAB -> "␉", LF -> "␊"),
    DEL becomes "␡", C1 controls become "\\x9b"-style escapes, and Unicode line separators and
    bidirectional controls become "\\u202e"-style escapes. Everything else, including wide and
    combining characters, is kept. With `keep_newlines` "\\n" is left alone, for multi-line
    views (a DLQ message body); a single-line cell must not keep it.
    """
    if keep_newlines:
        if _UNSAFE_KEEP_NEWLINES.search(text) is None:
            return text
        return text.translate(_TABLE_KEEP_NEWLINES)
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_TABLE)
