"""Copy and leave: the focused ARN (`y`), its AWS console URL (`Y`), and the schedule as
GetSchedule returned it (`v`, a read-only JSON view where `y` copies the whole document).

Copying goes through the terminal (OSC 52, Textual's ``copy_to_clipboard``), so it works
over SSH; but a terminal may ignore OSC 52 without a word (tmux needs ``set-clipboard on``),
and the app cannot know. So every copy also shows what was copied, for the operator to
select by hand, and says how it was sent rather than claiming it arrived.

What reaches the clipboard is what the screen shows: text from AWS goes through
``printable`` first, so a pasted ARN can never carry a newline (a shell would run the line),
an escape sequence or a bidi override. A real ARN has none of them and is copied unchanged.
"""

from __future__ import annotations

from typing import Final

from schedtui.aws.errors import AwsError
from schedtui.core import console_urls
from schedtui.core.schedules.document import response_document
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.screens.json_view import JsonViewScreen
from schedtui.ui.session import Host

COPY_TIMEOUT: Final = 15.0  # long enough to select the value by hand when OSC 52 is ignored
_HOW: Final = "copied via the terminal (OSC 52)"
_IF_IGNORED: Final = "a terminal may ignore OSC 52 (tmux: set-clipboard on)"


def copy_value(host: Host, what: str, value: str, note: str = "") -> None:
    """Copy ``value`` (made printable) and show it: ``what`` names it in the title."""
    shown = printable(value)
    host.copy_to_clipboard(shown)
    if shown != value:
        note += " · characters a terminal would act on were copied as the stand-ins shown"
    host.notify(f"{shown}{note} · {_IF_IGNORED}", title=f"{what} {_HOW}", timeout=COPY_TIMEOUT)


def copy_document(host: Host, what: str, text: str) -> None:
    """Copy a document already made safe (the JSON view's), shown on screen: the
    notification gives its size instead of repeating it."""
    host.copy_to_clipboard(text)
    lines = text.count("\n") + 1
    host.notify(
        f"{lines:,} lines, {len(text):,} characters · {_IF_IGNORED}",
        title=f"{what} {_HOW}",
        timeout=COPY_TIMEOUT,
    )


def copy_arn(host: Host, what: str, arn: str | None) -> None:
    """Copy an ARN (``what``: "Schedule ARN", "Queue ARN"...)."""
    if not arn:
        host.notify(f"{what}: not known yet (the next refresh reads it)", severity="warning")
        return
    copy_value(host, what, arn)


def copy_console_url(host: Host, what: str, url: str | None, arn: str | None) -> None:
    """Copy a console URL built by ``core/console_urls.py`` (None: it could not be)."""
    if url is None:
        host.notify(
            f"{what}: no AWS console URL for {arn or 'an unknown ARN'} (a partition without "
            "a public console, or not an ARN of that kind)",
            severity="warning",
        )
        return
    # The URL names AWS's console; what this session reads may live elsewhere.
    note = ""
    if host.session.options.demo:
        note = " · the demo's resources live in moto: the console does not know them"
    elif endpoint := host.session.header.endpoint:
        note = f" · this session reads {endpoint}: the console may not know it"
    copy_value(host, what, url, note)


# -- what the screens call ----------------------------------------------------------------------


def copy_schedule_arn(host: Host, seen: Schedule | ScheduleSummary) -> None:
    copy_arn(host, "Schedule ARN", seen.arn)


def copy_schedule_console_url(host: Host, seen: Schedule | ScheduleSummary) -> None:
    url = console_urls.schedule_url(seen.arn, seen.group_name, seen.name)
    copy_console_url(host, "Schedule console URL", url, seen.arn)


def copy_group_arn(host: Host, group_arn: str | None) -> None:
    copy_arn(host, "Group ARN", group_arn)


def copy_group_console_url(host: Host, group: str, group_arn: str | None) -> None:
    url = console_urls.group_url(group_arn, group) if group_arn else None
    copy_console_url(host, "Group console URL", url, group_arn)


def copy_queue_arn(host: Host, queue_arn: str | None) -> None:
    """For the monitor's DLQ table and the DLQ messages screen."""
    copy_arn(host, "Queue ARN", queue_arn)


def copy_queue_console_url(
    host: Host, queue_arn: str | None, queue_address: str | None = None
) -> None:
    """For the monitor's DLQ table and the DLQ messages screen (``queue_address``: the
    queue's URL when known; otherwise the one its ARN implies)."""
    url = console_urls.queue_url(queue_arn, queue_address) if queue_arn else None
    copy_console_url(host, "Queue console URL", url, queue_arn)


def open_json_view(host: Host, seen: Schedule | ScheduleSummary) -> None:
    """Read the schedule now and show GetSchedule's answer, read-only."""
    group, name = seen.group_name, seen.name

    def read() -> None:
        try:
            response, dropped = host.session.backend.scheduler.get_schedule_response(group, name)
        except AwsError as error:
            host.call_from_thread(host.show_error, error)
            return
        text = response_document(response)
        read_at = host.session.now()
        screen = JsonViewScreen(
            group,
            name,
            text,
            dropped=dropped,
            read_at=read_at,
            copy=lambda document: copy_document(host, "The schedule's JSON", document),
        )
        host.call_from_thread(host.push_screen, screen)

    host.run_worker(read, thread=True, group="json-view", exclusive=True)
