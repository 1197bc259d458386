"""printable(): untrusted text never reaches the terminal with a control character in it."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedtui.core.text import printable, terminal_safe_json

# Everything a terminal may act on or that hides text: C0, DEL, C1, and every Unicode format
# character (bidi controls, zero-width characters, BOM, tags) and line/paragraph separator, as
# the running Python's Unicode database lists them.
UNSAFE = {
    *range(0x00, 0x20),
    0x7F,
    *range(0x80, 0xA0),
    *(
        code
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp", "Cs")
    ),
}


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("\x1b]8;;https://evil\x07click\x1b]8;;\x07", "␛]8;;https://evil␇click␛]8;;␇"),
        ("a\x00b", "a␀b"),
        ("tab\there", "tab␉here"),
        ("two\nlines\r\n", "two␊lines␍␊"),
        ("del\x7f", "del␡"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("\x85next line", "\\x85next line"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("sep\u2028x", "sep\\u2028x"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("joiner\u200dx", "joiner\\u200dx"),
        ("bom\ufeff", "bom\\ufeff"),
        ("soft\xadhyphen", "soft\\u00adhyphen"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("isolate\u2067x\u2069", "isolate\\u2067x\\u2069"),
        ("lone\ud800surrogate\udfff", "lone\\ud800surrogate\\udfff"),
    ],
)
def test_controls_become_visible(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        "[bold]not markup[/]",
        "[link=https://x]y[/link]",
        "日本語",
        "é",
        "a\u0301",
        "🙂",
    ],
)
def test_safe_text_is_returned_unchanged(text: str) -> None:
    assert printable(text) == text


def test_keep_newlines_keeps_only_line_feeds() -> None:
    assert printable("a\nb\r\x1bc", keep_newlines=True) == "a\nb␍␛c"
    assert printable("a\nb") == "a␊b"


def test_every_invisible_or_control_character_is_escaped() -> None:
    for code in sorted(UNSAFE):
        shown = printable(chr(code))
        assert shown != chr(code), f"U+{code:04X} reaches the terminal as it is"
        assert not {ord(char) for char in shown} & UNSAFE


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    out = printable(text)
    assert not {ord(char) for char in out} & UNSAFE
    # Unicode "Cc" (control) is exactly C0 + DEL + C1.
    assert all(unicodedata.category(char) != "Cc" for char in out)


@given(st.text())
def test_a_per_character_mapping_that_keeps_safe_characters(text: str) -> None:
    out = printable(text)
    # Nothing is dropped, merged or reordered: each character maps on its own.
    assert out == "".join(printable(char) for char in text)
    assert all(printable(char) == char for char in text if ord(char) not in UNSAFE)
    assert printable(out) == out


@given(st.text())
def test_keep_newlines_differs_only_at_line_feeds(text: str) -> None:
    assert printable(text, keep_newlines=True).split("\n") == [
        printable(part) for part in text.split("\n")
    ]


def test_terminal_safe_json_keeps_the_value_and_encodes_lone_surrogates() -> None:
    # AWS JSON may carry "\ud800"; written raw it cannot be encoded as UTF-8 (the audit log).
    value = {"name": "a\ud800b\u202ec\x9b"}
    document = terminal_safe_json(json.dumps(value, ensure_ascii=False))
    document.encode("utf-8")  # raises UnicodeEncodeError if a surrogate were left raw
    assert json.loads(document) == value
    assert "\u202e" not in document
    assert "\x9b" not in document
