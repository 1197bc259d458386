"""Synthetic accounts for the in-process benchmarks: ListSchedules pages and definitions as
the app receives them, at any size, with a realistic spread (500 groups, 2,000 expressions,
20 zones, 5,000 targets, 200 DLQs, one in ten DISABLED)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.target import TargetSummary

NOW = datetime(2026, 11, 29, 16, tzinfo=UTC)
ACCOUNT = "123456789012"
PAGE = 100  # ListSchedules' largest page
ZONES = (
    "UTC", "Europe/Madrid", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
    "Europe/London", "America/Los_Angeles", "Asia/Kolkata", "Europe/Berlin", "America/Chicago",
    "Asia/Singapore", "Europe/Paris", "America/Sao_Paulo", "Africa/Cairo", "Asia/Dubai",
    "Pacific/Auckland", "Europe/Moscow", "America/Denver", "Asia/Shanghai", "Europe/Dublin",
)  # fmt: skip
_KINDS = ("nightly-export", "hourly-sync", "order-events-replay", "report", "cleanup")


def expression(number: int) -> str:
    """2,000 distinct expressions: crons of every shape, and rate()s."""
    shape = number % 2_000
    if shape % 10 == 9:
        return f"rate({shape % 55 + 5} minutes)"
    return f"cron({shape % 60} {shape // 60 % 24} * * ? *)"


def summary(number: int) -> ScheduleSummary:
    group = f"team-{number % 500:03d}"
    name = f"{_KINDS[number % len(_KINDS)]}-{number:07d}-eu-west-1"
    return ScheduleSummary.model_construct(
        arn=f"arn:aws:scheduler:eu-west-1:{ACCOUNT}:schedule/{group}/{name}",
        name=name,
        group_name=group,
        state="DISABLED" if number % 10 == 0 else "ENABLED",
        creation_date=NOW - timedelta(days=400),
        last_modification_date=NOW - timedelta(minutes=number % 100_000),
        target=TargetSummary.model_construct(arn=target(number)),
    )


def target(number: int) -> str:
    return f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:fn-{number % 5_000:04d}"


def pages(count: int) -> Iterator[list[ScheduleSummary]]:
    for start in range(0, count, PAGE):
        yield [summary(number) for number in range(start, min(count, start + PAGE))]


def digest(listed: ScheduleSummary, number: int) -> ScheduleDigest:
    """The definition GetSchedule gives for the ``number``th schedule, as the cache keeps it."""
    return ScheduleDigest(
        arn=listed.arn,
        group=listed.group_name,
        name=listed.name,
        last_modification_date=listed.last_modification_date,
        expression=expression(number),
        zone=ZONES[number % len(ZONES)],
        state=listed.state or "ENABLED",
        start_date=None,
        end_date=None,
        creation_date=listed.creation_date,
        target_arn=target(number),
        dlq_arn=f"arn:aws:sqs:eu-west-1:{ACCOUNT}:dlq-{number % 200:03d}" if number % 3 else None,
        retry=f"{number % 185}/1d",
    )
