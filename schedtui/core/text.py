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
from dataclasses import dataclass
from typing import Final

# C0 (U+0000-U+001F) have Unicode "Control Pictures" (U+2400 + code): one cell each, so table
# columns keep their widths. DEL has U+2421.
_C0_PICTURES: Final = {code: chr(0x2400 + code) for code in range(0x20)}
_DEL_PICTURE: Final = "\u2421"  # ␡
# C1 (U+0080-U+009F) have no pictures; a Python-style escape is unambiguous and greppable.
_C1_ESCAPES: Final = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}
# Unicode "format" characters (category Cf) are invisible: bidirectional overrides and
# isolates reorder the text that follows them ("Trojan Source"), zero-width spaces and joiners,
# the BOM and tag characters hide text or make two different names look the same. Line and
# paragraph separators (Zl, Zp) can start a new line on some terminals. An operator must see the
# text as it really is, so each becomes a "\u202e"-style escape. The ranges cover every Cf, Zl
# and Zp character of Unicode 14-16 (a test checks them against the running Python's database).
_FORMAT_RANGES: Final = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E),
    (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)  # fmt: skip
# A lone surrogate (U+D800-U+DFFF, category Cs) is not a character at all: AWS JSON can carry
# one as a "\ud800" escape, and writing it to the terminal or a UTF-8 file raises
# UnicodeEncodeError. It is shown as the escape it arrived as.
_SURROGATES: Final = ((0xD800, 0xDFFF),)
_ESCAPED_RANGES: Final = _FORMAT_RANGES + _SURROGATES
_FORMAT_ESCAPES: Final = {
    code: f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    for low, high in _ESCAPED_RANGES
    for code in range(low, high + 1)
}

_TABLE: Final[dict[int, str]] = {
    **_C0_PICTURES,
    0x7F: _DEL_PICTURE,
    **_C1_ESCAPES,
    **_FORMAT_ESCAPES,
}


def _character_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        re.escape(chr(low)) + ("" if low == high else "-" + re.escape(chr(high)))
        for low, high in ranges
    )


_FORMAT_CLASS: Final = _character_class(_ESCAPED_RANGES)


@dataclass(frozen=True)
class _Rule:
    """A search (much cheaper than translate() when there is nothing to replace, the common
    case) and the table, for one choice of characters left alone."""

    search: re.Pattern[str]
    table: dict[int, str]


def _rule(kept: str) -> _Rule:
    c0 = "".join(chr(code) for code in range(0x20) if chr(code) not in kept)
    return _Rule(
        re.compile(f"[{re.escape(c0)}\x7f-\x9f{_FORMAT_CLASS}]"),
        {code: value for code, value in _TABLE.items() if chr(code) not in kept},
    )


_RULES: Final = {
    (newlines, tabs): _rule(("\n" if newlines else "") + ("\t" if tabs else ""))
    for newlines in (False, True)
    for tabs in (False, True)
}


def shortened(text: str, room: int) -> str:
    """``text`` in at most ``room`` characters, a cut end marked with "…"."""
    return text if len(text) <= room else text[: room - 1] + "…"


def bounded(text: str, room: int) -> str:
    """``text`` whole up to ``room`` characters; longer, its start and how much was cut
    ("… (97,412 more characters)"), so a reader knows the message goes on.

    Counted as ``printable`` shows it: a view passes the result through printable(), which
    writes a C1 control as 4 characters and a format character as up to 10, so a cut
    counted in raw characters would let 1,000 of them show as 10,000."""
    cut = room
    if _RULES[False, False].search.search(text) is not None:
        shown = 0
        for at, char in enumerate(text):
            shown += len(_TABLE.get(ord(char), char))
            if shown > room:
                cut = at
                break
        else:
            return text
    if len(text) <= cut:
        return text
    return f"{text[:cut]}… ({len(text) - cut:,} more characters)"


def printable(text: str, *, keep_newlines: bool = False, keep_tabs: bool = False) -> str:
    """Return `text` with every control character replaced by a visible placeholder.

    C0 controls become their Control Pictures (ESC -> "␛", NUL -> "␀", TAB -> "␉", LF -> "␊"),
    DEL becomes "␡", C1 controls become "\\x9b"-style escapes, and Unicode format characters
    (bidirectional controls, zero-width characters) and line separators become "\\u202e"-style
    escapes. Everything else, including wide and combining characters, is kept. With
    `keep_newlines` "\\n" is left alone, for multi-line views (a DLQ message body); a
    single-line cell must not keep it. `keep_tabs` leaves "\\t" for a widget that expands
    tabs itself (Textual's TextArea does; its Input does not).
    """
    rule = _RULES[keep_newlines, keep_tabs]
    if rule.search.search(text) is None:
        return text
    return text.translate(rule.table)


def stand_ins(text: str) -> list[str]:
    """The visible stand-ins printable() shows for the unsafe characters of ``text``.

    A form shows AWS text through printable(); what comes back with one of these in it was
    not retyped by the operator, and typing it back must not silently become the stand-in
    characters (nor, ambiguously, the control characters).
    """
    return sorted({_TABLE[ord(char)] for char in set(text) if ord(char) in _TABLE})


def terminal_safe_json(document: str) -> str:
    """``document`` (JSON text, as json.dumps writes it) with every character printable()
    would escape written as a JSON ``\\u`` escape instead.

    It is the same JSON value, byte for byte once decoded, but ``cat``, ``less`` or ``vi``
    show it without acting on it: json.dumps escapes C0 controls itself, but with
    ``ensure_ascii=False`` it writes C1 controls, bidirectional overrides and zero-width
    characters raw. Only line feeds stay (indented JSON has them between values; inside a
    string json.dumps has already escaped them).
    """
    rule = _RULES[True, False]
    if rule.search.search(document) is None:
        return document
    return rule.search.sub(_json_escape, document)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
