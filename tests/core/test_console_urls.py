"""AWS console URLs (`Y`): the right console per partition, and names that cannot escape
their URL segment or put anything a terminal or shell would act on into the clipboard."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedtui.core.console_urls import group_url, queue_url, schedule_url
from schedtui.core.text import printable

SCHEDULE = "arn:aws:scheduler:us-east-1:123456789012:schedule/orders/nightly"
GROUP = "arn:aws:scheduler:us-east-1:123456789012:schedule-group/orders"
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq"
HOSTILE = [
    "a/b",
    "x#y?z&region=cn-north-1",
    "..",
    "esc\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "line\nbreak",
    "rtl\u202eoverride",
    "zero\u200bwidth",
    "space and ümlaut",
    "%2F already encoded",
    "",
    "lone\ud800surrogate",
]


def test_schedule_group_and_queue_urls_in_the_commercial_partition() -> None:
    assert schedule_url(SCHEDULE, "orders", "nightly") == (
        "https://us-east-1.console.aws.amazon.com/scheduler/home?region=us-east-1"
        "#schedules/orders/nightly"
    )
    assert group_url(GROUP, "orders") == (
        "https://us-east-1.console.aws.amazon.com/scheduler/home?region=us-east-1"
        "#schedule-groups/orders"
    )
    # The SQS console names a queue by its URL, percent-encoded whole.
    assert queue_url(QUEUE) == (
        "https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues/"
        "https%3A%2F%2Fsqs.eu-west-1.amazonaws.com%2F123456789012%2Forders-dlq"
    )


@pytest.mark.parametrize(
    ("partition", "region", "console", "sqs"),
    [
        ("aws-cn", "cn-north-1", "console.amazonaws.cn", "amazonaws.com.cn"),
        ("aws-us-gov", "us-gov-west-1", "console.amazonaws-us-gov.com", "amazonaws.com"),
    ],
)
def test_the_partition_in_the_arn_picks_the_console(
    partition: str, region: str, console: str, sqs: str
) -> None:
    arn = f"arn:{partition}:scheduler:{region}:123456789012:schedule/g/n"
    assert schedule_url(arn, "g", "n") == (
        f"https://{region}.{console}/scheduler/home?region={region}#schedules/g/n"
    )
    queue = queue_url(f"arn:{partition}:sqs:{region}:123456789012:q.fifo")
    assert queue is not None
    assert queue.startswith(f"https://{region}.{console}/sqs/v3/home?region={region}#/queues/")
    assert unquote(queue.split("#/queues/")[1]) == f"https://sqs.{region}.{sqs}/123456789012/q.fifo"


def test_a_known_queue_url_is_used_as_it_is() -> None:
    address = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq"
    found = queue_url(QUEUE, "https://vpce-1.sqs.eu-west-1.vpce.amazonaws.com/1/q")
    assert found is not None
    assert (
        unquote(found.split("#/queues/")[1])
        == "https://vpce-1.sqs.eu-west-1.vpce.amazonaws.com/1/q"
    )
    assert queue_url(QUEUE) == queue_url(QUEUE, address)


@pytest.mark.parametrize(
    "arn",
    [
        "not an arn",
        "",
        "arn:aws-iso:scheduler:us-iso-east-1:123456789012:schedule/g/n",  # no public console
        "arn:aws:scheduler:evil.example/x:123456789012:schedule/g/n",  # region is a host part
        "arn:aws:scheduler:US-EAST-1:123456789012:schedule/g/n",
        "arn:aws:scheduler::123456789012:schedule/g/n",
        "arn:aws:sqs:us-east-1:123456789012:orders-dlq",  # not a scheduler ARN
    ],
)
def test_no_url_rather_than_a_wrong_one(arn: str) -> None:
    assert schedule_url(arn, "g", "n") is None
    assert group_url(arn, "g") is None


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:sqs:evil.example:123456789012:q", "arn:aws-iso:sqs:us-iso-east-1:123456789012:q"],
)
def test_no_queue_url_for_a_bad_region_or_partition(arn: str) -> None:
    assert queue_url(arn) is None


def _fragment_segments(url: str) -> list[str]:
    return urlsplit(url).fragment.split("/")


def _inert(url: str) -> bool:
    """Plain ASCII with nothing a terminal or a shell would act on, nothing to split on."""
    return url.isascii() and printable(url) == url and not any(c.isspace() for c in url)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_in_their_segment_and_come_back_exactly(name: str) -> None:
    url = schedule_url(SCHEDULE, name, name)
    assert url is not None
    assert _inert(url)
    split = urlsplit(url)
    assert (split.netloc, split.path, split.query) == (
        "us-east-1.console.aws.amazon.com",
        "/scheduler/home",
        "region=us-east-1",
    )
    parts = [unquote(part, errors="surrogatepass") for part in _fragment_segments(url)]
    assert parts == ["schedules", name, name]
    group_page = group_url(GROUP, name)
    assert group_page is not None
    assert _inert(group_page)
    parts = [unquote(part, errors="surrogatepass") for part in _fragment_segments(group_page)]
    assert parts == ["schedule-groups", name]


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_name_round_trips_through_an_inert_url(group: str, name: str) -> None:
    url = schedule_url(SCHEDULE, group, name)
    assert url is not None
    assert _inert(url)
    parts = [unquote(part, errors="surrogatepass") for part in _fragment_segments(url)]
    assert parts == ["schedules", group, name]
