"""AWS console URLs for a schedule, a schedule group and an SQS queue (the `Y` key).

Pure: the ARN says the partition (which console host) and the region; names come from the
models. Every piece that came from AWS is percent-encoded with nothing left safe, so a
hostile name can neither break out of its URL segment ('/', '#', '?', '&') nor put a control
character, a space or a bidi override on the clipboard; a region is used only when it is a
region name, since it becomes part of the host name. None means "no console URL to give"
(an ARN of the wrong shape, a partition without a known console).

The fragment formats are the console's own as seen in its address bar: schedules
``#schedules/GROUP/NAME`` (also what published links and AWS's solutions use), SQS queues
``#/queues/URL-ENCODED-QUEUE-URL``. The group page's ``#schedule-groups/GROUP`` is an
assumption: no published link to a group page was found to check it against.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

from schedtui.core.schedules.arns import parse_arn, parse_sqs_queue_arn

# Partition -> (console host suffix, SQS endpoint DNS suffix). aws-iso* consoles are not
# public, so those partitions have no URL.
_PARTITIONS: Final = {
    "aws": ("console.aws.amazon.com", "amazonaws.com"),
    "aws-cn": ("console.amazonaws.cn", "amazonaws.com.cn"),
    "aws-us-gov": ("console.amazonaws-us-gov.com", "amazonaws.com"),
}
# botocore's rule for a region name is looser; a console host needs a plain DNS label.
_REGION: Final = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}", re.ASCII)


def _segment(text: str) -> str:
    """``text`` as one URL path or fragment segment: everything but [A-Za-z0-9_.~-] encoded.
    A lone surrogate (AWS JSON can carry one as an escape) is encoded as its bytes rather
    than raising."""
    return quote(text, safe="", errors="surrogatepass")


def _console(partition: str, region: str, service_path: str) -> str | None:
    hosts = _PARTITIONS.get(partition)
    if hosts is None or not _REGION.fullmatch(region):
        return None
    return f"https://{region}.{hosts[0]}/{service_path}?region={region}"


def _scheduler_console(arn: str) -> str | None:
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "scheduler":
        return None
    return _console(parsed.partition, parsed.region, "scheduler/home")


def schedule_url(arn: str, group: str, name: str) -> str | None:
    """The schedule's page in the EventBridge Scheduler console."""
    base = _scheduler_console(arn)
    return None if base is None else f"{base}#schedules/{_segment(group)}/{_segment(name)}"


def group_url(arn: str, group: str) -> str | None:
    """The schedule group's page in the EventBridge Scheduler console (fragment assumed)."""
    base = _scheduler_console(arn)
    return None if base is None else f"{base}#schedule-groups/{_segment(group)}"


def queue_url(queue_arn: str, queue_address: str | None = None) -> str | None:
    """The queue's page in the SQS console. The console names a queue by its URL:
    ``queue_address`` when known (GetQueueUrl's answer), else the one its ARN implies."""
    queue = parse_sqs_queue_arn(queue_arn)
    if queue is None:
        return None
    base = _console(queue.partition, queue.region, "sqs/v3/home")
    if base is None:
        return None
    address = queue_address or (
        f"https://sqs.{queue.region}.{_PARTITIONS[queue.partition][1]}/{queue.account}/{queue.name}"
    )
    return f"{base}#/queues/{_segment(address)}"
