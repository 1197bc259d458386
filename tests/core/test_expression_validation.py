"""Every invalid form in the facts sheet is refused with a message naming field, token and rule."""

from __future__ import annotations

import pytest

from schedtui.core.expressions.cron import parse_cron
from schedtui.core.expressions.parse import (
    AtExpression,
    CronExpression,
    ExpressionError,
    RateExpression,
    parse_expression,
)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        # Field count and the '?' rule.
        ("cron(0 10 * * ?)", "cron: '0 10 * * ?' has 5 fields; it needs 6"),
        ("cron(0 10 * * ? * *)", "cron: '0 10 * * ? * *' has 7 fields; it needs 6"),
        ("cron(0 10 * * * *)", "day-of-week: '*' must be '?' when day-of-month is '*'"),
        ("cron(0 10 15 * MON *)", "day-of-week: 'MON' must be '?' when day-of-month is '15'"),
        ("cron(0 10 ? * ? *)", "day-of-month: '?' and day-of-week are both '?'"),
        ("cron(? 10 * * ? *)", "minutes: '?' cannot be '?': only the day fields take '?'"),
        # Ranges of each field.
        ("cron(60 10 * * ? *)", "minutes: '60' is outside 0-59"),
        ("cron(0 24 * * ? *)", "hours: '24' is outside 0-23"),
        ("cron(0 10 0 * ? *)", "day-of-month: '0' is outside 1-31"),
        ("cron(0 10 32 * ? *)", "day-of-month: '32' is outside 1-31"),
        ("cron(0 10 * 13 ? *)", "month: '13' is outside 1-12 or JAN-DEC"),
        ("cron(0 10 * 0 ? *)", "month: '0' is outside 1-12 or JAN-DEC"),
        ("cron(0 10 ? * 8 *)", "day-of-week: '8' is outside 1-7 (1 = Sunday)"),
        ("cron(0 10 ? * 0 *)", "day-of-week: '0' is outside 1-7 (1 = Sunday)"),
        ("cron(0 10 * * ? 1969)", "year: '1969' is outside 1970-2199"),
        ("cron(0 10 * * ? 2200)", "year: '2200' is outside 1970-2199"),
        ("cron(0 10 * * ? 2030-2020)", "year: '2030-2020' is a range whose end is before"),
        # Names and junk.
        ("cron(0 10 * FOO ? *)", "month: 'FOO' is not a value of 1-12 or JAN-DEC"),
        ("cron(0 10 ? * FUN *)", "day-of-week: 'FUN' is not a value of 1-7 (1 = Sunday)"),
        ("cron(0 10 ? * MONDAY *)", "day-of-week: 'MONDAY' is not a value"),
        ("cron(a 10 * * ? *)", "minutes: 'a' is not a value of 0-59"),
        ("cron(0 1,,2 * * ? *)", "hours: '1,,2' has an empty list item"),
        ("cron(0 10- * * ? *)", "hours: '10-' is not a value or range of 0-23"),
        ("cron(-1 10 * * ? *)", "minutes: '-1' is not a value or range of 0-59"),
        # Steps.
        ("cron(0/0 10 * * ? *)", "minutes: '0/0' has a step that must be at least 1"),
        ("cron(0/x 10 * * ? *)", "minutes: '0/x' has a step that is not a whole number"),
        ("cron(0/61 10 * * ? *)", "minutes: '0/61' has a step above 60"),
        # Special characters in the wrong place or combination.
        ("cron(L 10 * * ? *)", "minutes: 'L' uses a special character not allowed in minutes"),
        ("cron(0 10 * 5L ? *)", "month: '5L' uses a special character not allowed in month"),
        ("cron(0 10 1#2 * ? *)", "day-of-month: '1#2' cannot use '#'"),
        ("cron(0 10 ? * 2W *)", "day-of-week: '2W' cannot use 'W'"),
        ("cron(0 10 1,L * ? *)", "day-of-month: '1,L' uses 'L' or 'W', which must stand alone"),
        ("cron(0 10 1-15W * ? *)", "day-of-month: '1-15W' uses 'L' or 'W', which must stand"),
        ("cron(0 10 W * ? *)", "day-of-month: 'W' is not valid: use L, LW, L-n (n in 1-30)"),
        ("cron(0 10 L-31 * ? *)", "day-of-month: 'L-31' must be L-1 to L-30"),
        ("cron(0 10 L-0 * ? *)", "day-of-month: 'L-0' must be L-1 to L-30"),
        ("cron(0 10 ? * L-2 *)", "day-of-week: 'L-2' uses a special character"),
        ("cron(0 10 0W * ? *)", "day-of-month: '0W' is outside 1-31"),
        ("cron(0 10 32W * ? *)", "day-of-month: '32W' is outside 1-31"),
        ("cron(0 10 ? * 2#1,3#2 *)", "day-of-week: '2#1,3#2' has more than one '#'"),
        ("cron(0 10 ? * 2#1,4 *)", "day-of-week: '2#1,4' uses '#', which must stand alone"),
        ("cron(0 10 ? * 2#6 *)", "day-of-week: '2#6' has an occurrence outside 1-5"),
        ("cron(0 10 ? * 2#0 *)", "day-of-week: '2#0' has an occurrence outside 1-5"),
        ("cron(0 10 ? * 8#1 *)", "day-of-week: '8#1' is outside 1-7 (1 = Sunday)"),
        ("cron(0 10 ? * 8L *)", "day-of-week: '8L' is outside 1-7 (1 = Sunday)"),
        ("cron(0 10 ? * 2-6L *)", "day-of-week: '2-6L' uses 'L', which must stand alone"),
        ("cron(0 10 ? * */2 *)", "day-of-week: '*/2' cannot use '/': day-of-week takes no steps"),
        ("cron(0 10 ? * 2-6/2 *)", "day-of-week: '2-6/2' cannot use '/'"),
        # rate() and at().
        ("rate(0 minutes)", "rate: '0' must be a positive whole number"),
        ("rate(-5 minutes)", "rate: '-5' must be a positive whole number"),
        ("rate(1.5 hours)", "rate: '1.5' must be a positive whole number"),
        ("rate(5 weeks)", "rate: 'weeks' must be minute(s), hour(s) or day(s)"),
        ("rate(5)", "rate: '5' must be 'value unit'"),
        ("rate(1 minutes)", "rate: 'minutes' must be singular when the value is 1: rate(1 minute)"),
        ("rate(1 hours)", "rate: 'hours' must be singular when the value is 1: rate(1 hour)"),
        ("rate(5 hour)", "rate: 'hour' must be plural when the value is over 1: rate(5 hours)"),
        ("rate(2 day)", "rate: 'day' must be plural when the value is over 1: rate(2 days)"),
        ("rate(\u00b2 minutes)", "rate: '\u00b2' must be a positive whole number"),
        ("rate(\u0663 minutes)", "rate: '\u0663' must be a positive whole number"),
        ("at(2026-02-30T10:00:00)", "at: '2026-02-30T10:00:00' is not a real date and time"),
        ("at(2026-12-01 10:00:00)", "at: '2026-12-01 10:00:00' must be yyyy-mm-ddThh:mm:ss"),
        ("at(2026-12-01T10:00)", "at: '2026-12-01T10:00' must be yyyy-mm-ddThh:mm:ss"),
        # The wrapper itself.
        ("", "expression: '' is empty"),
        ("0 10 * * ? *", "expression: '0 10 * * ? *' must be at(...), rate(...) or cron(...)"),
        ("CRON(0 10 * * ? *)", "must be at(...), rate(...) or cron(...) (lower case)"),
        ("cron(0 10 * * ? *", "must be at(...), rate(...) or cron(...)"),
        ("cron(" + "0," * 130 + "0 10 * * ? *)", "is longer than 256 characters"),
    ],
)
def test_invalid_expressions_name_field_token_and_rule(expression: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(expression)
    assert message in str(caught.value)


def test_error_carries_its_parts_for_forms_to_highlight() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("cron(0 10 ? * 8 *)")
    assert (caught.value.field, caught.value.token) == ("day-of-week", "8")
    assert caught.value.rule == "is outside 1-7 (1 = Sunday)"


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 10 * * ? *)",
        "cron(0/15 * * * ? *)",
        "cron(*/5 8-17 ? * MON-FRI *)",
        "cron(0 10 L * ? *)",
        "cron(0 10 LW * ? *)",
        "cron(0 10 lw * ? *)",
        "cron(0 10 15W * ? *)",
        "cron(0 10 L-2 * ? *)",
        "cron(0 10 l-30 * ? *)",
        "cron(0 10 ? * 6L *)",
        "cron(0 10 ? * FRIL *)",
        "cron(0 10 ? * L *)",
        "cron(0 10 ? * 2#1 *)",
        "cron(0 10 ? * MON#5 *)",
        "cron(0 10 ? * FRI-MON *)",
        "cron(0 22-2 * * ? *)",
        "cron(0 10 * NOV-FEB ? *)",
        "cron(0 10 * jan,Jul ? 1970-2199)",
        "cron(0 10 * * ? 2030/5)",
        "cron(59 23 31 12 ? 2199)",
        "cron(0/60 0/24 * * ? *)",
        "rate(1 minute)",
        "rate(12 hours)",
        "rate(1 day)",
        "at(2026-12-01T09:30:00)",
    ],
)
def test_valid_expressions_parse(expression: str) -> None:
    assert parse_expression(expression).text == expression


def test_parsed_kinds() -> None:
    assert isinstance(parse_expression("at(2026-12-01T09:30:00)"), AtExpression)
    rate = parse_expression("rate(90 minutes)")
    assert isinstance(rate, RateExpression)
    assert rate.seconds == 5400
    assert isinstance(parse_expression("cron(0 10 * * ? *)"), CronExpression)


@pytest.mark.parametrize(
    ("field_text", "index", "expected"),
    [
        ("1/10 * * * ? *", 0, set(range(1, 60, 10))),  # a/n runs from a to the field's end
        ("0 22-2 * * ? *", 1, {22, 23, 0, 1, 2}),  # ranges wrap
        ("0 22-3/2 * * ? *", 1, {22, 0, 2}),  # and steps continue across the wrap
        ("0 0 * NOV-FEB ? *", 3, {11, 12, 1, 2}),
        ("0 0 * 5-5 ? *", 3, {5}),  # an equal range is one value, not the whole field
        ("0 0 * * ? 2030-2040/5", 5, {2030, 2035, 2040}),
    ],
)
def test_field_expansion(field_text: str, index: int, expected: set[int]) -> None:
    spec = parse_cron(field_text)
    sets = (spec.minutes, spec.hours, None, spec.months, None, spec.years)
    assert sets[index] == expected


def test_day_of_week_ranges_use_aws_numbering_and_wrap() -> None:
    spec = parse_cron("0 0 ? * FRI-MON *")
    assert spec.day.days == {6, 7, 1, 2}  # Fri, Sat, Sun, Mon with 1 = Sunday
    assert parse_cron("0 0 ? * 1 *").day.days == {1}
    assert parse_cron("0 0 ? * mon-mon *").day.days == {2}
