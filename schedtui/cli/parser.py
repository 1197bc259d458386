"""The command line's arguments: every flag, its type and its one-line error."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final, NoReturn

from schedtui import __version__
from schedtui.core.expressions.errors import ZoneError
from schedtui.core.expressions.zones import load_zone
from schedtui.core.text import printable

EXIT_USAGE = 2
# BSD sysexits' EX_SOFTWARE: schedtui itself failed (a crash report was written). Not 1,
# which a script reads as "not found".
EXIT_CRASH = 70
SHELLS = ("bash", "zsh", "fish")
# `--theme` given without a name: list the themes instead of starting.
LIST_THEMES = "\0list"
# The most runs `schedtui next` prints: enough for any script, and bounded in time and
# memory (ten million runs took minutes and 1.5 GB).
MAX_RUNS = 1000
# The most messages `schedtui dlq --peek` receives: each receive raises the messages' receive
# counts, so a peek is a look, never a drain.
MAX_PEEK = 100
OUTPUTS = ("table", "json", "jsonl", "text")
STATES = ("ENABLED", "DISABLED")


class _Parser(argparse.ArgumentParser):
    """Errors as one clear line on stderr and exit 2, never a usage dump or a traceback."""

    def error(self, message: str) -> NoReturn:
        # The message quotes the operator's arguments: shown inert, like any other text.
        self.exit(EXIT_USAGE, f"{self.prog}: {printable(message)}\n")


def _instant(text: str) -> datetime:
    """ISO-8601 with Z or an offset; a naive value is taken as UTC (AWS dates are UTC)."""
    if text.strip().lower() == "now":
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an ISO-8601 instant such as 2026-12-01T09:30:00Z"
        ) from None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise argparse.ArgumentTypeError(f"'{text}' is outside the years 1-9999 in UTC") from None


def _whole(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def _count(text: str) -> int:
    """--demo-size: any whole number."""
    value = _whole(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number (0 or more)")
    return value


def _runs(text: str) -> int:
    value = _whole(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of runs (0 or more)")
    if value > MAX_RUNS:
        raise argparse.ArgumentTypeError(f"'{text}' is more than {MAX_RUNS} runs, the most shown")
    return value


def _peek(text: str) -> int:
    value = _whole(text)
    if value is None or not 1 <= value <= MAX_PEEK:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number of messages from 1 to {MAX_PEEK}"
        )
    return value


def _days(text: str) -> int:
    value = _whole(text)
    if value is None or not 1 <= value <= 90:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number of days from 1 to 90 (CloudTrail holds 90)"
        )
    return value


def _state(text: str) -> str:
    if text.upper() not in STATES:
        raise argparse.ArgumentTypeError(f"'{text}' is not ENABLED or DISABLED")
    return text.upper()


def schedule_key(text: str) -> tuple[str, str]:
    """GROUP/NAME, as ``schedtui get`` and ``set-state`` take a schedule."""
    group, slash, name = text.partition("/")
    if not slash or not group or not name or "/" in name:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not GROUP/NAME (e.g. default/nightly-report)"
        )
    return group, name


def _zone(text: str) -> str:

    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"'{text}' is empty: give an IANA time zone such as Europe/Madrid (the default is UTC)"
        )
    try:
        load_zone(text)
    except ZoneError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("time zone: ")) from None
    return text


def _window(text: str) -> int:
    value = _whole(text)
    if value is None or not 1 <= value <= 1440:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a flexible window of 1-1440 minutes (MaximumWindowInMinutes)"
        )
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds (0 or more)")
    return value


# The AWS services each command calls, which --endpoint-url (one URL for every client,
# aws/session.py) must answer for: a LocalStack user needs to know which to run. Each is
# named here once, by the name boto3's client takes (tests/test_cli_doctor.py holds this to
# the clients aws/session.py makes and the doctor reads).
SERVICE_LABELS: Final = {
    "scheduler": "Scheduler",
    "cloudwatch": "CloudWatch",
    "logs": "CloudWatch Logs",
    "sqs": "SQS",
    "cloudtrail": "CloudTrail",
    "lambda": "Lambda",
    "stepfunctions": "Step Functions",
    "ecs": "ECS",
    "iam": "IAM",
    "sns": "SNS",
    "events": "EventBridge",
    "kinesis": "Kinesis",
    "firehose": "Firehose",
    "sagemaker": "SageMaker",
    "codebuild": "CodeBuild",
    "codepipeline": "CodePipeline",
    "kms": "KMS",
    "sts": "STS",
}
# aws/doctor_repo.py's reads: the role, every kind of target it checks, the DLQ, the key.
DOCTOR_CLIENTS: Final = (
    "scheduler",
    "iam",
    "lambda",
    "stepfunctions",
    "ecs",
    "sqs",
    "sns",
    "events",
    "kinesis",
    "firehose",
    "sagemaker",
    "codebuild",
    "codepipeline",
    "kms",
    "sts",
)
RUNS_CLIENTS: Final = ("scheduler", "cloudwatch", "logs", "lambda", "stepfunctions", "ecs", "sqs")


def services_text(clients: Iterable[str]) -> str:
    """``clients`` (boto3 names) as the help names them: "Scheduler, IAM and STS"."""
    labels = [SERVICE_LABELS[client] for client in clients]
    return ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else "".join(labels)


ALL_SERVICES: Final = services_text(SERVICE_LABELS)
DOCTOR_SERVICES: Final = services_text(DOCTOR_CLIENTS)
RUNS_SERVICES: Final = services_text(RUNS_CLIENTS)


def add_context_options(
    parser: argparse.ArgumentParser, *, subcommand: bool = False, services: str = ALL_SERVICES
) -> None:
    """The options that choose the AWS context (cli/context.py), on the main parser and on
    each subcommand that talks to AWS, so that both ``schedtui --profile p list`` and
    ``schedtui list --profile p`` work. On a subcommand they default to SUPPRESS: argparse
    would otherwise overwrite a value given before the subcommand with the default.
    ``services``: what the command calls, which the endpoint must serve."""
    default: dict[str, object] = {"default": argparse.SUPPRESS} if subcommand else {}
    flag: dict[str, object] = {"default": argparse.SUPPRESS} if subcommand else {"default": False}
    parser.add_argument(
        "--profile", **default, help="AWS profile (default: the standard AWS variables)"
    )
    parser.add_argument(
        "--region", **default, help="AWS region (default: the profile's or AWS_REGION)"
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        **default,
        help=f"one endpoint for every AWS call: {services} (default: AWS, or AWS_ENDPOINT_URL)",
    )
    # Not given (None): the config file decides (its read_only and read_only_profiles).
    unset: dict[str, object] = {"default": argparse.SUPPRESS} if subcommand else {"default": None}
    access = parser.add_mutually_exclusive_group()
    access.add_argument(
        "--read-only",
        action="store_true",
        **unset,
        help="refuse every change before it is sent (default: as the config file says)",
    )
    access.add_argument(
        "--read-write",
        dest="read_only",
        action="store_false",
        **unset,
        help="allow changes even where the config file says read-only",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        **flag,
        help="run against an embedded moto server with realistic data (no AWS account needed)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        **flag,
        help="neither read nor write the definitions cache this run (schedtui cache path "
        "says where it is)",
    )
    parser.add_argument(
        "--demo-size",
        type=_count,
        metavar="N",
        **default,
        help="with --demo: seed N schedules (the curated ones first, then generated ones)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="schedtui",
        description=(
            "A terminal UI for operating AWS EventBridge Scheduler. Without a command, "
            "schedtui opens the TUI; a command answers from the shell "
            "(schedtui COMMAND --help says more)."
        ),
    )
    parser.add_argument("-V", "--version", action="version", version=f"schedtui {__version__}")
    add_context_options(parser)
    # Defaults None: "not given", so that the config file (then a built-in default) decides.
    parser.add_argument(
        "--theme",
        nargs="?",
        const=LIST_THEMES,
        metavar="NAME",
        help="colour theme; --theme alone lists the themes (default: the config's, else the "
        "last one chosen in the app)",
    )
    parser.add_argument(
        "--refresh",
        type=_seconds,
        metavar="SECONDS",
        help="automatic refresh interval, 0 to turn it off (default: the config's, else 30)",
    )
    parser.add_argument(
        "--monitor-refresh",
        type=_seconds,
        metavar="SECONDS",
        help="monitoring panel refresh interval, 0 to turn it off (default: the config's, else 60)",
    )
    parser.add_argument("--group", metavar="G", help="open this group's schedules")
    parser.add_argument("--schedule", metavar="G/NAME", help="open this schedule")
    commands = parser.add_subparsers(
        dest="command",
        metavar="[COMMAND]",
        title="commands (optional: without one, schedtui opens the TUI)",
        parser_class=_Parser,
    )
    nxt = commands.add_parser(
        "next",
        help="print the next run times of a schedule expression",
        description=(
            "Print the next run times of an EventBridge Scheduler expression, one line per "
            "run: the UTC instant (YYYY-MM-DDTHH:MM:SSZ), then the wall-clock time in the zone."
        ),
    )
    nxt.add_argument("expression", help="at(...), rate(...) or cron(...), quoted")
    nxt.add_argument(
        "--tz", type=_zone, default="UTC", metavar="ZONE", help="IANA time zone (default UTC)"
    )
    nxt.add_argument(
        "--from",
        dest="after",
        type=_instant,
        metavar="INSTANT",
        help="list runs strictly after this instant (default: now)",
    )
    nxt.add_argument(
        "-n",
        dest="count",
        type=_runs,
        default=10,
        metavar="N",
        help=f"how many runs (default 10, at most {MAX_RUNS})",
    )
    nxt.add_argument(
        "--start-date",
        type=_instant,
        metavar="INSTANT",
        help="StartDate: anchors rate(), bounds cron() (ignored by AWS for at())",
    )
    nxt.add_argument(
        "--end-date",
        type=_instant,
        metavar="INSTANT",
        help="EndDate: no runs after it (ignored by AWS for at())",
    )
    nxt.add_argument(
        "--created",
        type=_instant,
        metavar="INSTANT",
        help="creation time: anchors rate() when there is no --start-date (default: --from)",
    )
    nxt.add_argument(
        "--window",
        type=_window,
        metavar="MINUTES",
        help="flexible time window: also print the latest instant of each invocation",
    )
    output = nxt.add_mutually_exclusive_group()
    output.add_argument(
        "--explain", action="store_true", help="describe the expression in English first"
    )
    output.add_argument("--json", action="store_true", help="print one JSON document")
    shells = commands.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description=(
            "Print a completion script for your shell. bash: "
            "schedtui completion bash > ~/.local/share/bash-completion/completions/schedtui; "
            "zsh: schedtui completion zsh > ~/.zfunc/_schedtui (or source it from ~/.zshrc); "
            "fish: schedtui completion fish > ~/.config/fish/completions/schedtui.fish"
        ),
    )
    shells.add_argument("shell", choices=SHELLS)
    _add_config_command(commands)
    _add_cache_command(commands)
    _add_scripting(commands)
    _add_runs(commands)
    _add_doctor(commands)
    _add_cost(commands)
    return parser


def _add_config_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    config = commands.add_parser(
        "config",
        help="the configuration file: where it is, and a commented default",
        description=(
            "schedtui's configuration file: $XDG_CONFIG_HOME/schedtui/config.toml "
            "(~/.config/schedtui/config.toml when XDG_CONFIG_HOME is unset)."
        ),
    )
    actions = config.add_subparsers(
        dest="config_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    actions.add_parser(
        "path",
        help="print the file's path, whether or not it exists (its mistakes go to stderr)",
    )
    init = actions.add_parser(
        "init", help="write a commented default file (every setting explained, none set)"
    )
    init.add_argument("--force", action="store_true", help="overwrite the file if it exists")


def _add_cache_command(commands: argparse._SubParsersAction[_Parser]) -> None:
    cache = commands.add_parser(
        "cache",
        help="the definitions cache: where it is, and clearing it",
        description=(
            "schedtui keeps the schedules' definitions between runs, so that a start fetches "
            "only what changed: $XDG_CACHE_HOME/schedtui/definitions.sqlite3 "
            "(~/.cache/schedtui/definitions.sqlite3 when XDG_CACHE_HOME is unset). "
            "--no-cache leaves it alone for one run."
        ),
    )
    actions = cache.add_subparsers(
        dest="cache_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    actions.add_parser("path", help="print the file's path, whether or not it exists")
    actions.add_parser("clear", help="delete the file (and SQLite's companions of it)")


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        choices=OUTPUTS,
        default="table",
        help="table (default: for people), json (one document), jsonl (one JSON object a "
        "line, streamed), text (tab-separated fields, for cut and awk)",
    )


def _scripting_command(
    commands: argparse._SubParsersAction[_Parser],
    name: str,
    summary: str,
    description: str,
    services: str = "Scheduler",
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=summary, description=description)
    _add_output(parser)
    add_context_options(parser, subcommand=True, services=services)
    return parser


def _add_scripting(commands: argparse._SubParsersAction[_Parser]) -> None:
    """The scripting subcommands (cli/scripting.py): the TUI's repository layer and write
    chokepoint, output for scripts. Exit codes: 0 ok, 1 not found, 2 usage, 3 AWS error,
    4 denied."""
    _scripting_command(
        commands,
        "groups",
        "list the schedule groups",
        "List the schedule groups (ListScheduleGroups).",
    )
    listing = _scripting_command(
        commands,
        "list",
        "list schedules",
        "List schedules as ListSchedules returns them (name, group, state, target ARN, "
        "dates), page by page as they arrive.",
    )
    # SUPPRESS: `schedtui --group G list` (the main parser's --group) means the same.
    listing.add_argument(
        "--group", metavar="G", default=argparse.SUPPRESS, help="only this group's schedules"
    )
    listing.add_argument(
        "--state", type=_state, choices=STATES, metavar="S", help="ENABLED or DISABLED"
    )
    listing.add_argument("--name-prefix", metavar="P", help="only names starting with P")
    listing.add_argument(
        "--filter",
        metavar="EXPR",
        help="the TUI's / filter on what ListSchedules returns: words (in the name, group or "
        "target name), state:, group:, name:, target:, is:enabled|disabled|paused",
    )
    get = _scripting_command(
        commands,
        "get",
        "print one schedule as GetSchedule returns it",
        "Print one schedule as GetSchedule returns it, every member.",
    )
    get.add_argument("schedule", type=schedule_key, metavar="G/NAME", help="GROUP/NAME")
    dlq = _scripting_command(
        commands,
        "dlq",
        "dead-letter queue depths, and a peek at their messages",
        "The depth of the dead-letter queues the schedules use (or of --queue), and with "
        "--peek a look at its messages. Peeking receives with a visibility timeout of 0 and "
        "never deletes: the messages stay in the queue and visible, but their receive count "
        "goes up by one.",
        services=services_text(("scheduler", "sqs", "sts")),
    )
    dlq.add_argument(
        "--queue", metavar="Q", help="this queue only: its ARN, or its name in this account"
    )
    dlq.add_argument(
        "--group",
        metavar="G",
        default=argparse.SUPPRESS,
        help="only the DLQs of this group's schedules (without --queue)",
    )
    dlq.add_argument(
        "--peek",
        type=_peek,
        metavar="N",
        help=f"with --queue: receive up to N messages (1-{MAX_PEEK}), leaving them in the queue",
    )
    state = _scripting_command(
        commands,
        "set-state",
        "enable or disable schedules",
        "Enable or disable schedules through the same checks as the TUI: each is read "
        "again, the whole schedule is sent back with only State changed, a schedule already "
        "in that state is left alone, and every request sent is in the audit log.",
        services=services_text(("scheduler", "sts")),
    )
    state.add_argument(
        "schedules", type=schedule_key, nargs="+", metavar="G/NAME", help="GROUP/NAME ..."
    )
    which = state.add_mutually_exclusive_group(required=True)
    which.add_argument("--enable", dest="state", action="store_const", const="ENABLED")
    which.add_argument("--disable", dest="state", action="store_const", const="DISABLED")
    state.add_argument(
        "--yes", action="store_true", help="do not ask (needed when stdin is not a terminal)"
    )
    state.add_argument("--dry-run", action="store_true", help="print the plan, send nothing")
    _add_history(commands)


def _add_schedule_or_group(parser: argparse.ArgumentParser, group_help: str) -> None:
    """An optional G/NAME, or ``--group G`` (SUPPRESS: the main parser's --group counts)."""
    parser.add_argument(
        "schedule", type=schedule_key, nargs="?", metavar="G/NAME", help="GROUP/NAME"
    )
    parser.add_argument("--group", metavar="G", default=argparse.SUPPRESS, help=group_help)


def _add_report_output(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``-o table|json``: a command printing one report has no record stream to offer."""
    parser.add_argument(
        "-o", "--output", choices=("table", "json"), default="table", help=help_text
    )


def _add_history(commands: argparse._SubParsersAction[_Parser]) -> None:
    history = _scripting_command(
        commands,
        "history",
        "who changed a schedule or a group (CloudTrail and the audit log)",
        "Who changed a schedule (G/NAME) or a group (--group G): CloudTrail's management "
        "events (LookupEvents, 2 requests a second; events show about 5-15 minutes late) and "
        "this machine's audit log, newest first, with what each change changed.",
        services=services_text(("cloudtrail",)),
    )
    _add_schedule_or_group(history, "the group's own events and its schedules' (instead of G/NAME)")
    history.add_argument(
        "--days",
        type=_days,
        default=90,
        metavar="N",
        help="how far back, 1-90 days (default 90, all that CloudTrail holds)",
    )


FAIL_ON = ("error", "warning", "info", "never")  # cli/doctor.py


def _add_doctor(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``schedtui doctor`` (cli/doctor.py): one report, so json or a table only."""
    doctor = commands.add_parser(
        "doctor",
        help="what is wrong with schedules and their roles, targets, DLQs and keys",
        description=(
            "Check schedules (one, a group's, or every one) and what they depend on: the "
            "execution role exists, Scheduler may assume it and it allows the target's "
            "action (and sqs:SendMessage on the DLQ, kms:Decrypt on the key); the target, "
            "DLQ and KMS key exist and are usable; and the definition itself (expired, "
            "completed, long disabled, windows, retries). The trust policy's conditions "
            "(aws:SourceAccount, aws:SourceArn) are judged per schedule: Scheduler sends the "
            "schedule's account and its group's ARN. Read calls only, each role and target "
            "read once. Exit 0 when no finding reaches --fail-on, 5 when one does; 1 when the "
            "schedule or group does not exist; 3 or 4 when definitions could not be read."
        ),
    )
    _add_schedule_or_group(doctor, "this group's schedules (default: every schedule)")
    _add_report_output(doctor, "table (default: for people), json (one document)")
    doctor.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="exit 5 when a finding is this serious or more (default error; never: exit 0)",
    )
    add_context_options(doctor, subcommand=True, services=DOCTOR_SERVICES)


RUNS_WINDOWS = ("1h", "24h", "7d")  # core/activity/runs.py: Window


def _add_runs(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``schedtui runs`` (cli/runs.py): one report, so json or a table only."""
    runs = commands.add_parser(
        "runs",
        help="what a schedule's target did when it fired (runs, durations, failures)",
        description=(
            "What the schedule's target did over a window: Lambda metrics and its log's "
            "REPORT/ERROR lines, Step Functions executions, ECS tasks, else the group's "
            "Scheduler metrics and the DLQ. Read calls only. Exit 3 when a part could not be "
            "fetched (the rest is printed; stderr names the part)."
        ),
    )
    runs.add_argument("schedule", type=schedule_key, metavar="G/NAME", help="GROUP/NAME")
    runs.add_argument(
        "--window", choices=RUNS_WINDOWS, default="24h", help="how far back (default 24h)"
    )
    _add_report_output(
        runs, "table (default: for people, local times), json (one document, UTC times)"
    )
    add_context_options(runs, subcommand=True, services=RUNS_SERVICES)


def _add_cost(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``schedtui cost`` (cli/cost.py): one report, so json or a table only."""
    cost = commands.add_parser(
        "cost",
        help="invocations a month and the Scheduler bill, per group",
        description=(
            "Invocations in the next 30 days of every schedule, from its expression (zones, "
            "start and end dates; DISABLED counts 0), plus the retries seen in the groups' "
            "metrics last week, and the Scheduler bill at the published price (the free tier "
            "applies once to the account). Target costs (Lambda, Step Functions...) are not "
            "included. Reads every definition (GetSchedule, through the definitions cache)."
        ),
    )
    cost.add_argument(
        "--group", metavar="G", default=argparse.SUPPRESS, help="only this group's schedules"
    )
    cost.add_argument(
        "--per-schedule",
        action="store_true",
        help="each schedule's runs, share of the invocations and USD too, busiest first",
    )
    _add_report_output(
        cost, "table (default: for people, UTC times), json (one document, UTC times)"
    )
    add_context_options(
        cost, subcommand=True, services=services_text(("scheduler", "cloudwatch", "sts"))
    )
