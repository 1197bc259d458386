"""The header is one line at any width: who and where stay, the rest goes when short."""

from __future__ import annotations

from rich.cells import cell_len

from schedtui.ui.widgets.status_header import HeaderInfo, fitted, header_parts

INFO = HeaderInfo(
    account="123456789012",
    caller_arn="arn:aws:sts::123456789012:assumed-role/OnCall/alice@example.com",
    profile="prod-admin",
    region="eu-west-1",
    endpoint="http://127.0.0.1:4566",
    read_only=True,
)


def line(width: int, state: str = "refreshed 14:00:03Z") -> str:
    return fitted(header_parts(INFO, state, ""), width).plain


def test_at_80_columns_who_and_where_and_freshness_fit_on_one_line() -> None:
    text = line(78)  # 80 minus the padding
    assert cell_len(text) <= 78
    assert "\n" not in text
    for part in (" RO ", "prod-admin", "123456789012", "eu-west-1", "refreshed 14:00:03Z"):
        assert part in text
    assert "endpoint" not in text  # left out first


def test_a_wide_terminal_shows_everything() -> None:
    text = line(198)
    assert "READ-ONLY   profile prod-admin  acct 123456789012" in text
    assert "endpoint http://127.0.0.1:4566" in text
    assert "assumed-role/OnCall" in text


def test_a_long_error_is_cut_not_wrapped_and_the_account_stays() -> None:
    text = line(58, "error: " + "endpoint unreachable " * 10)
    assert cell_len(text) <= 58
    assert "123456789012" in text
    assert text.endswith("…")


def test_hostile_header_text_is_printable() -> None:
    info = HeaderInfo(account="\x1b[2J", region="\u202eus-east-1", caller_arn="x\x07")
    text = fitted(header_parts(info, "ok\x1b]2;pwn\x07", ""), 200).plain
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\x07" not in text


def test_the_whole_state_comes_before_the_endpoint() -> None:
    state = "error: ListSchedules: AWS had an internal error: boom"
    # Room for the whole state but not the endpoint too: the state stays whole.
    text = line(140, state)
    assert state in text
    assert "endpoint" not in text
    # Room for both: both whole; a little less: the endpoint as host:port.
    assert "endpoint http://127.0.0.1:4566" in line(170, state)
    text = line(156, state)
    assert state in text
    assert text.endswith("  127.0.0.1:4566")
    # Short of room: who and where stay, the state's end is cut, with an ellipsis.
    text = line(100, state)
    assert cell_len(text) <= 100
    assert "123456789012" in text
    assert "error: ListSchedules" in text
    assert text.endswith("…")


def test_at_120_columns_a_local_endpoint_shows_as_host_and_port() -> None:
    # Seen in review: at 120 columns the endpoint of a profile's endpoint_url was left out.
    text = line(118)
    assert "refreshed 14:00:03Z" in text
    assert text.endswith("  127.0.0.1:4566")
