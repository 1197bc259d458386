"""What a schedule's target did over a window: the figures, a duration sparkline with the
history's changes marked under it, the failure lines, the runs (Step Functions, ECS) and the
notes; each part that could not be fetched is one error line where that part would be.

Everything in a ``RunsReport`` came from AWS: shown through ``printable`` as rich ``Text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from schedtui.core.activity.correlation import (
    change_columns,
    changed_paths,
    changes_in_window,
    duration_columns,
    short_identity,
)
from schedtui.core.activity.history import History
from schedtui.core.activity.runs import RunsReport, Window
from schedtui.core.monitoring.panel import figure
from schedtui.core.schedules.rows import duration_text
from schedtui.core.text import printable, shortened
from schedtui.ui.widgets.history_view import ERROR_STYLE, fault_text, local

_BLOCKS = "▁▂▃▄▅▆▇█"
MARKER = "▲"
_LEGEND_SHOWN = 4  # changes named under the markers (the history tab has them all)
_FAILURES_SHOWN = 30
_RUNS_SHOWN = 30
# Which section a fault of RunsReport.faults belongs to, by a word of its part's name.
_FAULT_PLACES = (
    ("log", "failures"),
    ("execution", "table"),
    ("task", "table"),
    ("run", "table"),
)


def seconds_text(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return duration_text(int(seconds))


def _time_form(window: Window) -> str:
    """The axis' ends: both ends of 24 h share their time of day, so the day is named."""
    return {Window.HOUR: "%H:%M", Window.DAY: "%a %H:%M"}.get(window, "%m-%d %H:%M")


@dataclass
class RunsState:
    """What the runs tab knows: the report (or the fault that stopped its fetch), the
    history it is correlated with, and what is still being fetched."""

    window: Window
    report: RunsReport | None = None
    fault: str | None = None  # the fetch raised: nothing of the report is known
    history: History | None = None
    runs_loading: bool = True
    history_loading: bool = True
    fetched: datetime | None = None


def figures_text(report: RunsReport) -> Text:
    text = Text()
    for name, value in report.figures.items():
        if text:
            text.append("  ·  ", style="dim")
        text.append(printable(name) + " ", style="dim")
        if value is None:
            text.append("no data", style="dim")
        elif "duration" in name:
            text.append(seconds_text(value), style="bold")
        else:
            trouble = value > 0 and any(word in name for word in ("error", "throttl", "fail"))
            text.append(figure(value), style="bold red" if trouble else "bold")
    return text or Text("no figures for this target", style="dim")


def failures_text(report: RunsReport, zone: tzinfo | None) -> Text:
    text = Text()
    lines = sorted(report.failures, key=lambda line: line.at, reverse=True)
    for line in lines[:_FAILURES_SHOWN]:
        if text:
            text.append("\n")
        text.append(local(line.at, zone, "%m-%d %H:%M:%S") + "  ", style="bold red")
        text.append(shortened(printable(line.source), 24) + "  ", style="dim")
        # A runtime's error is one log event of many lines (the message, then its
        # traceback): the message is the line; the rest is in `schedtui runs -o json`.
        first, *rest = line.text.strip().splitlines() or [""]
        text.append(printable(first))
        if rest:
            text.append(f"  (+{len(rest)} lines)", style="dim")
    if len(lines) > _FAILURES_SHOWN:
        text.append(f"\n+{len(lines) - _FAILURES_SHOWN} older failure lines", style="dim")
    return text


def runs_table(report: RunsReport, zone: tzinfo | None) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
    for title in ("Status", "Started", "Duration", "Run"):
        table.add_column(title, no_wrap=True)
    table.add_column("Detail", overflow="fold")
    for run in report.runs[:_RUNS_SHOWN]:
        status = Text(printable(run.status), style="bold red" if run.failed else "green")
        if run.long_running:
            status.append(" long", style="bold yellow")
        started = local(run.started, zone, "%m-%d %H:%M") if run.started else "?"
        duration = seconds_text(run.duration) if run.duration is not None else "?"
        table.add_row(
            status,
            started,
            duration + ("…" if run.stopped is None else ""),
            Text(shortened(printable(run.name), 28)),
            Text(printable(run.detail or "")),
        )
    return table


class DurationChart(Widget):
    """One column per slice of the window: the longest duration ending in it (failed slices
    in the error style), a baseline with a marker under each change the history holds, the
    window's two ends, and a legend naming the changes. Drawn at the widget's own width."""

    DEFAULT_CSS = "DurationChart { height: 3; }"

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.report: RunsReport | None = None
        self.history: History | None = None
        self.history_loading = False
        self.zone: tzinfo | None = None

    def show(
        self,
        report: RunsReport,
        history: History | None,
        history_loading: bool,
        zone: tzinfo | None,
    ) -> None:
        self.report, self.history, self.zone = report, history, zone
        self.history_loading = history_loading
        self.styles.height = 3 + len(self._legend())
        self.refresh()

    def _legend(self) -> list[Text]:
        report, history, zone = self.report, self.history, self.zone
        if report is None:
            return []
        if history is None:
            return [Text("changes: fetching the history…", style="dim")]
        lines = []
        if history.fault:
            lines.append(fault_text("changes unknown", history.fault))
        changes = changes_in_window(history.events, report.start, report.end)
        for event in changes[-_LEGEND_SHOWN:]:
            line = Text()
            line.append(MARKER + " ", style="bold yellow")
            line.append(local(event.at, zone, _time_form(report.window)) + " ", style="bold")
            line.append(printable(short_identity(event.who)) + " ")
            line.append(printable(event.action))
            if paths := changed_paths(event):
                line.append(": " + printable(paths))
            line.no_wrap, line.overflow = True, "ellipsis"
            lines.append(line)
        if len(changes) > _LEGEND_SHOWN:
            more = len(changes) - _LEGEND_SHOWN
            lines.append(Text(f"+{more} earlier changes in the window (H: history)", "dim"))
        if not changes and not history.fault:
            lines.append(Text("no change to the schedule in this window", style="dim"))
        return lines

    def render(self) -> RenderableType:
        report, zone = self.report, self.zone
        width = self.size.width
        if report is None or width <= 0:
            return Text()
        columns = duration_columns(report.durations, report.start, report.end, width)
        top = max((column.peak or 0.0 for column in columns), default=0.0)
        spark = Text()
        for column in columns:
            if column.peak is None:
                spark.append(" ")
                continue
            level = 0 if top <= 0 else int(column.peak / top * (len(_BLOCKS) - 1))
            spark.append(_BLOCKS[level], style=ERROR_STYLE if column.failed else "green")
        events = self.history.events if self.history else []
        marked = change_columns(events, report.start, report.end, width)
        base = Text()
        for index in range(width):
            if index in marked:
                base.append(MARKER, style="bold yellow")
            else:
                base.append("─", style="dim")
        form = _time_form(report.window)
        start, end = local(report.start, zone, form), local(report.end, zone, form + " %Z")
        axis = Text(start, style="dim")
        axis.append(" " * max(1, width - len(start) - len(end)))
        axis.append(end, style="dim")
        lines = [spark, base, axis, *self._legend()]
        for line in lines:
            line.no_wrap, line.overflow = True, "ellipsis"
        return Text("\n").join(lines)


class RunsView(Vertical):
    """The runs tab's body: filled by ``show`` (the screen fetches, this draws)."""

    DEFAULT_CSS = """
    RunsView { height: auto; }
    RunsView Static { height: auto; }
    RunsView .heading { text-style: bold; margin-top: 1; color: $accent; }
    RunsView .fault { color: $error; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="runs-status")
        yield Static(id="runs-figures")
        yield Static(Text("Duration, longest per column; ▲ a change"), classes="heading")
        yield DurationChart(id="runs-chart")
        yield Static(Text("Failure lines, newest first"), classes="heading", id="failures-title")
        yield Static(id="runs-failures")
        yield Static(Text("Runs"), classes="heading", id="runs-table-title")
        yield Static(id="runs-table")
        yield Static(id="runs-notes")

    def show(self, state: RunsState, zone: tzinfo | None) -> None:
        report = state.report
        status = Text()
        if state.runs_loading:
            status.append("Fetching the runs…" if report is None else "Fetching again…", "dim")
        elif state.fault:
            status.append_text(fault_text("Runs unavailable", state.fault))
        has_report = report is not None
        for widget in self.query(".heading").results():
            widget.display = has_report
        for name in ("#runs-figures", "#runs-chart", "#runs-failures", "#runs-table"):
            self.query_one(name).display = has_report
        self.query_one("#runs-status", Static).update(status)
        self.query_one("#runs-status").display = bool(status)
        if report is None:
            self.query_one("#runs-notes", Static).update("")
            return
        places: dict[str, list[Text]] = {"figures": [], "failures": [], "table": []}
        for part, message in report.faults.items():
            place = next((to for word, to in _FAULT_PLACES if word in part.lower()), "figures")
            places[place].append(fault_text(part, message))
        self.query_one("#runs-figures", Static).update(
            Text("\n").join([figures_text(report), *places["figures"]])
        )
        chart = self.query_one(DurationChart)
        chart.show(report, state.history, state.history_loading, zone)
        failures = failures_text(report, zone)
        if not failures and not places["failures"]:
            failures = Text("no failure lines in this window", style="dim")
        self.query_one("#runs-failures", Static).update(
            Text("\n").join([*places["failures"], failures] if failures else places["failures"])
        )
        shows_runs = bool(report.runs or places["table"])
        self.query_one("#runs-table-title").display = shows_runs
        table = self.query_one("#runs-table", Static)
        table.display = shows_runs
        if shows_runs:
            rows = [runs_table(report, zone)] if report.runs else []
            table.update(Group(*places["table"], *rows))
        notes = Text("\n").join(Text("· " + printable(note), "dim") for note in report.notes)
        self.query_one("#runs-notes", Static).update(notes)
