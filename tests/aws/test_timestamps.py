"""Timestamps from responses are aware UTC datetimes sharing one zone object (memory)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from schedtui.aws.session import AwsClients, AwsSettings, parse_timestamp_utc


def test_epoch_numbers_and_iso_strings_parse_to_the_same_utc_instant() -> None:
    instant = datetime(2026, 3, 29, 1, 30, 15, 250000, tzinfo=UTC)
    for value in (
        instant.timestamp(),
        int(instant.timestamp()),
        str(instant.timestamp()),
        "2026-03-29T01:30:15.25Z",
        "2026-03-29T03:30:15.25+02:00",
    ):
        parsed = parse_timestamp_utc(value)
        assert parsed == instant.replace(microsecond=250000 if "." in str(value) else 0)
        assert parsed.tzinfo is UTC  # one shared object, not a zone per datetime
    offset = parse_timestamp_utc("2026-03-29T03:30:15+02:00")
    assert offset.utcoffset() == timedelta(0)
    assert offset == datetime(2026, 3, 29, 3, 30, 15, tzinfo=timezone(timedelta(hours=2)))


def test_the_clients_parse_dates_into_shared_utc(moto_endpoint: str) -> None:
    clients = AwsClients(AwsSettings(region="us-east-1", endpoint_url=moto_endpoint))
    scheduler = clients.scheduler
    scheduler.create_schedule_group(Name="g")
    groups = scheduler.list_schedule_groups()["ScheduleGroups"]
    created = [group["CreationDate"] for group in groups if group["Name"] == "g"]
    assert created
    assert all(date.tzinfo is UTC for date in created)
    assert abs(created[0] - datetime.now(UTC)) < timedelta(minutes=5)
