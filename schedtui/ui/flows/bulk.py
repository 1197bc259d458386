"""Sending planned changes one after the other, and reporting each one's outcome: shared by
toggle and delete (one schedule or many)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from schedtui.aws.errors import AwsError, NotFoundError, OutcomeUnknownError, StaleScheduleError
from schedtui.aws.mutations import Mutations
from schedtui.core.changes.plan import ChangePlan, PlanKind
from schedtui.core.text import printable
from schedtui.ui.screens.dialogs import MessageScreen
from schedtui.ui.session import Host


@dataclass(frozen=True)
class ResultLine:
    """One item of a bulk action: done (``error`` None), failed, or its answer lost."""

    label: str
    error: str | None = None  # why it failed; for a lost answer, what the re-read found
    unknown: bool = False  # the answer was lost (``applied`` then says what AWS holds)
    applied: bool = False

    @property
    def done(self) -> bool:
        return self.error is None or (self.unknown and self.applied)

    @classmethod
    def of(cls, label: str, error: Exception | None) -> ResultLine:
        if isinstance(error, OutcomeUnknownError):
            return cls(label, str(error), unknown=True, applied=error.applied)
        return cls(label, None if error is None else str(error))


def _stale_message(error: StaleScheduleError) -> str:
    fields = [path for path in error.changes if path != "LastModificationDate"]
    what = ", ".join(fields) if fields else "LastModificationDate"
    return (
        f"not sent: it changed on the server after the dialog showed it ({what}); "
        "open it again to see the current version"
    )


def apply_plans(
    mutations: Mutations, plans: Sequence[ChangePlan], *, consented: bool = False
) -> list[ResultLine]:
    """Send each plan (worker thread); ``consented``: the operator confirmed their warnings.
    A delete that finds the schedule already gone counts as done."""
    results: list[ResultLine] = []
    for plan in plans:
        try:
            mutations.apply(plan, consented=consented)
        except StaleScheduleError as error:
            results.append(ResultLine(plan.label, _stale_message(error)))
        except NotFoundError as error:
            gone = plan.kind is PlanKind.DELETE
            results.append(ResultLine.of(plan.label, None if gone else error))
        except AwsError as error:
            results.append(ResultLine.of(plan.label, error))
        else:
            results.append(ResultLine(plan.label))
    return results


def report(host: Host, results: list[ResultLine], done: str) -> None:
    """One outcome as a notification ("group/name disabled"), several in a dialog."""
    if len(results) != 1:
        host.push_screen(results_screen(results, done))
        return
    line = results[0]
    if line.unknown:
        host.notify(line.error or "", title="Outcome unknown", severity="warning", timeout=15)
    elif line.error:
        host.show_error(AwsError(f"{line.label}: {line.error}"))
    else:
        host.notify(f"{line.label} {done}")


def results_screen(results: list[ResultLine], verb: str) -> MessageScreen:
    """One line per item: ✓ done, ✗ and why, or ? when the answer was lost (the line says
    what a re-read found)."""
    body = Text()
    for line in results:
        if line.unknown:
            body.append("? ", style="yellow")
        else:
            body.append("✗ " if line.error else "✓ ", style="red" if line.error else "green")
        body.append(printable(line.label))
        body.append((f": {printable(line.error)}" if line.error else "") + "\n")
    count = sum(1 for line in results if line.done)
    return MessageScreen(f"{count} of {len(results)} {verb}", body)
