"""The pure side of monitoring: metric windows, zero-filled series, DLQ attribute decoding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedtui.core.monitoring.metrics import (
    SCHEDULER_METRICS,
    decode_dlq_message,
    epoch_millis,
    metric_window,
    sns_topic_arns,
    zero_filled_series,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_the_metric_names_are_the_eight_scheduler_publishes() -> None:
    assert len(SCHEDULER_METRICS) == len(set(SCHEDULER_METRICS)) == 8
    assert "InvocationsSentToDeadLetterCount_Truncated_MessageSizeExceeded" in SCHEDULER_METRICS


def test_window_is_widened_to_whole_periods_from_the_epoch() -> None:
    start = T0 + timedelta(minutes=7, seconds=3)
    end = T0 + timedelta(minutes=52)
    assert metric_window(start, end, 300) == (T0 + timedelta(minutes=5), T0 + timedelta(minutes=55))
    assert metric_window(T0, T0 + timedelta(hours=1), 3600) == (T0, T0 + timedelta(hours=1))


def test_window_takes_naive_as_utc_and_converts_offsets() -> None:
    madrid_noon = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    start, end = metric_window(T0.replace(tzinfo=None), madrid_noon, 3600)
    assert (start, end) == (T0, T0 + timedelta(hours=1))
    assert start.tzinfo is UTC


@pytest.mark.parametrize("period", [0, -60, 59, 61, 90, 1.5, True])
def test_window_refuses_periods_cloudwatch_would(period: object) -> None:
    with pytest.raises(ValueError, match="multiple of 60"):
        metric_window(T0, T0 + timedelta(hours=1), period)  # type: ignore[arg-type]


def test_window_refuses_an_empty_window() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        metric_window(T0, T0, 60)


def test_series_sums_per_period_and_fills_zeros() -> None:
    series = zero_filled_series(
        "TargetErrorCount",
        "orders",
        T0,
        T0 + timedelta(minutes=15),
        300,
        [
            (T0 + timedelta(seconds=10), 1),
            (T0 + timedelta(minutes=4, seconds=59), 2),
            (T0 + timedelta(minutes=10), 4),
            (T0 + timedelta(minutes=15), 100),  # the end is exclusive
            (T0 - timedelta(seconds=1), 100),
        ],
    )
    assert series.timestamps == (T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=10))
    assert series.values == (3, 0, 4)
    assert (series.total, series.latest, series.account_wide) == (7, 4, False)


@given(
    st.lists(st.tuples(st.integers(0, 86_399), st.integers(0, 1000)), max_size=50),
    st.sampled_from([60, 300, 3600]),
)
def test_every_datapoint_in_the_window_is_counted_once(
    points: list[tuple[int, int]], period: int
) -> None:
    series = zero_filled_series(
        "InvocationAttemptCount",
        None,
        T0,
        T0 + timedelta(days=1),
        period,
        [(T0 + timedelta(seconds=offset), value) for offset, value in points],
    )
    assert len(series.values) == 86_400 // period
    assert series.total == sum(value for _, value in points)


def test_sns_topics_among_alarm_actions() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:oncall"
    actions = [
        topic,
        "arn:aws:automate:us-east-1:ec2:stop",
        "arn:aws:swf:us-east-1:123456789012:action/actions/AWS_EC2.InstanceId.Reboot/1.0",
        "not an arn",
    ]
    assert sns_topic_arns(actions) == (topic,)


def test_epoch_millis() -> None:
    assert epoch_millis("1772359200000") == T0
    assert epoch_millis(None) is None
    assert epoch_millis("soon") is None
    assert epoch_millis("9" * 40) is None


def test_a_scheduler_dlq_message_is_decoded() -> None:
    message = decode_dlq_message(
        "id-1",
        "{}",
        {
            "SCHEDULE_ARN": "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/every.min_1",
            "SCHEDULED_TIME": "2026-03-01T10:00:00Z",
            "RETRY_ATTEMPTS": " 185 ",
            "IS_PAYLOAD_TRUNCATED": "true",
            "UNKNOWN_NEW_ATTRIBUTE": "kept",
        },
        receive_count=4,
    )
    assert (message.group, message.name) == ("default", "every.min_1")
    assert message.scheduled_time == T0
    assert message.retry_attempts == 185
    assert message.is_payload_truncated is True
    assert message.receive_count == 4
    assert message.attributes["UNKNOWN_NEW_ATTRIBUTE"] == "kept"


def test_a_schedule_arn_without_a_group_is_the_default_groups() -> None:
    # As in AWS's own sample dead-letter event ("schedule/DLQ-test"), configuring-schedule-dlq.
    arn = "arn:aws:scheduler:us-west-2:123456789012:schedule/DLQ-test"
    message = decode_dlq_message("id-4", "{}", {"SCHEDULE_ARN": arn})
    assert (message.group, message.name) == ("default", "DLQ-test")


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        {"SCHEDULE_ARN": "", "RETRY_ATTEMPTS": "", "SCHEDULED_TIME": "", "ERROR_CODE": "  "},
        {"SCHEDULE_ARN": "arn:aws:scheduler:us-east-1:123456789012:schedule/a/b/c"},
        {"SCHEDULE_ARN": "arn:aws:scheduler:us-east-1:123456789012:schedule-group/orders"},
        {"RETRY_ATTEMPTS": "3.5", "SCHEDULED_TIME": "2026-13-45T99:00:00Z"},
        {"IS_PAYLOAD_TRUNCATED": "yes please"},
    ],
)
def test_missing_or_garbled_attributes_decode_to_nothing(attributes: dict[str, str]) -> None:
    message = decode_dlq_message("id-2", "body", attributes)
    assert (message.group, message.name, message.error_code) == (None, None, None)
    assert (message.retry_attempts, message.scheduled_time) == (None, None)
    assert message.is_payload_truncated is False
    assert message.attributes == attributes


def test_a_naive_scheduled_time_is_utc() -> None:
    message = decode_dlq_message("id-3", "", {"SCHEDULED_TIME": "2026-03-01T10:00:00"})
    assert message.scheduled_time == T0
