"""The column store and its filter, against a plain reference: whatever path a view takes
(over every row, narrowed from the last result, extended by the rows a listing added, the
names searched as texts or one by one), the operator sees exactly the rows the filter
language says, and the counts and orders follow the rows as they change."""

from __future__ import annotations

import dataclasses
from array import array
from datetime import UTC, datetime, timedelta

import pytest

from schedtui.core.monitoring.failures import FailureFigures
from schedtui.core.schedules import columns as columns_module
from schedtui.core.schedules.arns import target_kind, target_resource_name
from schedtui.core.schedules.rows import ScheduleDigest, parse_filter
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.selection import _codes_mask
from schedtui.core.schedules.store import (
    SCHEDULE_COLUMNS,
    AccountStore,
    StoreRows,
    schedule_table_row,
)
from schedtui.core.schedules.target import TargetSummary

NOW = datetime(2026, 11, 29, 16, tzinfo=UTC)
ZONES = ("UTC", "Europe/Madrid", "Asia/Tokyo", "America/New_York")
KINDS = ("nightly-Export", "hourly-sync", "report", "orders-replay")


def summary(number: int, state: str | None = None) -> ScheduleSummary:
    group = f"team-{number % 7}"
    name = f"{KINDS[number % 4]}-{number:05d}"
    target = (
        f"arn:aws:sqs:eu-west-1:123456789012:queue-{number % 5}"
        if number % 3 == 0
        else f"arn:aws:lambda:eu-west-1:123456789012:function:fn-{number % 11}"
    )
    return ScheduleSummary.model_construct(
        arn=f"arn:aws:scheduler:eu-west-1:123456789012:schedule/{group}/{name}",
        name=name,
        group_name=group,
        state=state or ("DISABLED" if number % 6 == 0 else "ENABLED"),
        last_modification_date=NOW - timedelta(minutes=number),
        target=TargetSummary.model_construct(arn=target),
    )


def digest(listed: ScheduleSummary, number: int) -> ScheduleDigest:
    return ScheduleDigest(
        arn=listed.arn,
        group=listed.group_name,
        name=listed.name,
        last_modification_date=listed.last_modification_date,
        expression=f"cron({number % 60} {number % 24} * * ? *)"
        if number % 4
        else "rate(5 minutes)",
        zone=ZONES[number % len(ZONES)],
        state=listed.state or "ENABLED",
        start_date=None,
        end_date=None,
        creation_date=NOW - timedelta(days=30),
        target_arn=listed.target_arn or "",
        dlq_arn=f"arn:aws:sqs:eu-west-1:123456789012:dlq-{number % 4}" if number % 2 else None,
        retry="3/1h",
    )


def listed_store(count: int, defined: int | None = None) -> AccountStore:
    store = AccountStore()
    columns = store.columns
    listing = columns.begin_listing()
    page = [summary(number) for number in range(count)]
    ids = columns.put_listed(page, listing)
    for number, listed in enumerate(page[: count if defined is None else defined]):
        columns.put_definition(digest(listed, number))
    columns.settle_next_runs(ids, NOW)
    columns.end_listing(listing)
    return store


def reference(store: AccountStore, text: str, figures: FailureFigures | None = None) -> list[str]:
    """The filter language as the README states it, row by row."""
    row_filter = parse_filter(text)
    kept = []
    for arn in store.columns.listed_arns():
        facts = store.facts(arn)
        assert facts is not None
        target_name = target_resource_name(facts.target_arn).lower()
        kind = target_kind(facts.target_arn).value.lower().replace(" ", "")
        fields = (facts.name.lower(), facts.group.lower(), (facts.expression or "").lower())
        ok = all(
            any(word in field for field in (*fields, target_name)) for word in row_filter.words
        )
        for key, value in row_filter.terms:
            if key == "state":
                ok = ok and facts.state == value.upper()
            elif key == "group":
                ok = ok and facts.group.lower() == value
            elif key == "target":
                ok = ok and kind.startswith(value)
            elif key == "tz":
                ok = ok and (facts.zone or "").lower().startswith(value)
            elif key == "name":
                ok = ok and value in facts.name.lower()
            elif value in ("paused", "disabled"):
                ok = ok and facts.state == "DISABLED"
            elif value == "enabled":
                ok = ok and facts.state == "ENABLED"
            elif value == "failing":
                ok = ok and figures is not None and figures.failing(facts.group, facts.dlq_arn)
            else:
                ok = False
        if ok:
            kept.append(arn)
    return kept


def shown(store: AccountStore, view: StoreRows) -> list[str]:
    return [view.key(position) for position in range(len(view))]


FILTERS = (
    "",
    "nightly",
    "export",  # upper case in the names: the filter is case-insensitive
    "00012",
    "fn-3",
    "queue",
    "rate",
    "team-3",
    "state:disabled",
    "is:paused",
    "is:enabled",
    "group:team-2",
    "target:sqs",
    "target:lambda",
    "tz:europe",
    "name:sync-000",
    "nightly tz:asia",
    "report state:enabled target:lam",
    "is:bogus",
    "nothing-is-called-this",
)


@pytest.fixture(autouse=True)
def small_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Names go into texts of 64 here, so 1,000 rows cover every search path.
    monkeypatch.setattr(columns_module, "_NAMES_PER_TEXT", 64)


@pytest.mark.parametrize("text", FILTERS)
def test_a_filter_over_every_row_keeps_what_the_language_says(text: str) -> None:
    store = listed_store(1_000)
    assert shown(store, store.view(None, parse_filter(text))) == reference(store, text)


def test_typing_narrows_from_the_last_result_and_keeps_the_same_rows() -> None:
    store = listed_store(1_000)
    view = None
    typed = ""
    for letter in "orders-replay-0007 tz:as":
        typed += letter
        view = store.view(None, parse_filter(typed), view)
        assert shown(store, view) == reference(store, typed), typed


def test_the_pages_a_listing_adds_extend_the_view_shown() -> None:
    store = AccountStore()
    columns = store.columns
    listing = columns.begin_listing()
    views = dict.fromkeys(("", "nightly", "state:disabled", "group:team-1"))
    for start in range(0, 1_000, 100):
        page = [summary(number) for number in range(start, start + 100)]
        ids = columns.put_listed(page, listing)
        for row, listed in zip(ids, page, strict=True):
            columns.put_definition(digest(listed, row))
        for text, view in views.items():
            views[text] = store.view(None, parse_filter(text), view)
            assert shown(store, views[text]) == reference(store, text), (start, text)


def test_a_change_in_place_is_seen_by_the_next_view() -> None:
    store = listed_store(300)
    columns = store.columns
    disabled = store.view(None, parse_filter("state:disabled"))
    first = summary(1, state="DISABLED")  # was ENABLED
    columns.put_listed([first.model_copy(update={"last_modification_date": NOW})])
    again = store.view(None, parse_filter("state:disabled"), disabled)
    assert first.arn in shown(store, again)
    assert shown(store, again) == reference(store, "state:disabled")
    columns.forget([first.arn])
    gone = store.view(None, parse_filter("state:disabled"), again)
    assert first.arn not in shown(store, gone)


def test_words_and_tz_follow_definitions_as_they_arrive() -> None:
    store = listed_store(200, defined=0)
    assert shown(store, store.view(None, parse_filter("tz:asia"))) == []
    view = store.view(None, parse_filter("rate"))
    for number, arn in enumerate(list(store.columns.listed_arns())):
        listed = store.summary(arn)
        assert listed is not None
        store.columns.put_definition(digest(listed, number))
    view = store.view(None, parse_filter("rate"), view)
    assert shown(store, view) == reference(store, "rate") != []


def test_is_failing_reads_the_group_and_dlq_figures() -> None:
    store = listed_store(400)
    figures = FailureFigures(
        group_failures={"team-2": 3},
        dlq_depths={"arn:aws:sqs:eu-west-1:123456789012:dlq-1": 5},
        as_of=NOW,
    )
    store.failures = figures
    view = store.view(None, parse_filter("is:failing"))
    assert shown(store, view) == reference(store, "is:failing", figures) != []


def test_counts_follow_the_rows_without_a_recount() -> None:
    store = listed_store(600, defined=500)
    counts = store.columns.group_counts(None)
    assert (counts.total, counts.disabled, counts.pending) == (600, 100, 100)
    team = store.columns.group_counts("team-0")
    assert team.total == sum(1 for number in range(600) if number % 7 == 0)
    listing = store.columns.begin_listing()
    store.columns.put_listed([summary(number) for number in range(1, 600)], listing)
    gone = store.columns.end_listing(listing)
    assert gone == [summary(0).arn]
    counts = store.columns.group_counts(None)
    assert (counts.total, counts.disabled) == (599, 99)


@pytest.mark.parametrize("key", ["name", "next", "group", "state", "expression", "modified"])
def test_every_sort_orders_the_view_and_keeps_rows_without_a_value_last(key: str) -> None:
    store = listed_store(500, defined=450)
    columns = store.columns
    view = store.view(None, parse_filter("state:enabled"))
    cell = [column.key for column in SCHEDULE_COLUMNS].index(key)
    ascending = view.sorted(cell, reverse=False)
    descending = view.sorted(cell, reverse=True)
    assert sorted(shown(store, ascending)) == sorted(shown(store, view))

    def value(arn: str) -> object:
        facts = store.facts(arn)
        assert facts is not None
        row = columns.ids[arn]
        return {
            "name": facts.name,
            "next": facts.next_run,
            "group": facts.group,
            "state": facts.state,
            "expression": facts.expression if facts.detailed else None,
            "modified": columns.modified[row],
        }[key]

    present = [value(arn) for arn in shown(store, ascending) if value(arn) is not None]
    assert present == sorted(present)  # type: ignore[type-var]
    backwards = [value(arn) for arn in shown(store, descending) if value(arn) is not None]
    assert backwards == sorted(present, reverse=True)  # type: ignore[type-var]
    if key == "next":  # disabled and undefined rows have none: last both ways
        assert value(shown(store, ascending)[-1]) is None
        assert value(shown(store, descending)[-1]) is None


@pytest.mark.parametrize("largest", [200, 3_000, 70_000])
def test_a_code_mask_over_a_column_matches_code_by_code(largest: int) -> None:
    # Codes below 256, past 256 (a second byte plane), past 65,536 (asked code by code).
    column = array("i", [(number * 7919) % (largest + 1) for number in range(5_000)])
    for wanted in ({0}, {5}, {5, 261}, {largest}, set(range(0, largest, 97)), set()):
        expected = bytes(code in wanted for code in column)
        assert _codes_mask(column, wanted) == expected, wanted
        assert _codes_mask(iter(column), wanted) == expected  # a narrowed view's values


def test_a_listing_counts_each_schedule_once_however_often_a_page_names_it() -> None:
    store = AccountStore()
    columns = store.columns
    listing = columns.begin_listing()
    page = [summary(number) for number in range(10)]
    columns.put_listed([*page, page[3], page[3]], listing)
    columns.put_listed(page[:5], listing)  # a later page repeats some
    assert columns.seen(listing) == 10  # "listed 10 schedules", not 17
    assert columns.group_counts(None).total == 10


def test_a_state_the_listing_left_out_is_taken_from_the_definition() -> None:
    # moto leaves State out of ListSchedules after some updates; the definition says it.
    store = AccountStore()
    columns = store.columns
    listed = summary(1).model_copy(update={"state": None})
    columns.put_listed([listed])
    view = store.view(None, parse_filter("state:disabled"))
    columns.put_definition(dataclasses.replace(digest(listed, 1), state="DISABLED"))
    assert store.facts(listed.arn).state == "DISABLED"  # type: ignore[union-attr]
    assert columns.group_counts(None).disabled == 1
    assert shown(store, store.view(None, parse_filter("state:disabled"), view)) == [listed.arn]


def test_filtering_by_a_group_nobody_has_adds_no_group() -> None:
    store = listed_store(50)
    before = list(store.columns.groups.values)
    assert len(store.view("no-such-group", parse_filter(""))) == 0
    assert store.columns.groups.values == before


@pytest.mark.parametrize("most_words", [3, 10_000])
def test_words_of_letters_are_found_the_same_with_the_word_index_or_without(
    monkeypatch: pytest.MonkeyPatch, most_words: int
) -> None:
    # With few distinct runs of letters the index answers; past its bound it is dropped and
    # the names' texts answer: the rows shown are the same either way.
    monkeypatch.setattr(columns_module, "_MOST_WORDS", most_words)
    store = listed_store(600)
    assert (store.columns.name_words.postings is None) == (most_words == 3)
    for text in ("nightly", "xport", "o", "sync", "replay report", "orders-replay", "zzz"):
        assert shown(store, store.view(None, parse_filter(text))) == reference(store, text)


def test_a_definition_whose_run_is_not_computed_yet_says_pending_not_never() -> None:
    # The fetching thread stores a definition a moment before the sync settles its next
    # run: a repaint in between said "never" (seen in a CI run of the tmux walk).
    store = AccountStore()
    columns = store.columns
    listed = summary(1)
    [row] = columns.put_listed([listed])
    columns.put_definition(digest(listed, 1))
    next_cell = [column.key for column in SCHEDULE_COLUMNS].index("next")
    assert schedule_table_row(columns, row).cells[next_cell] == "…"
    columns.settle_next_runs([row], NOW)
    assert isinstance(schedule_table_row(columns, row).cells[next_cell], datetime)
