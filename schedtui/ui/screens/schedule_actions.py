"""The keys that act on schedules, shared by the schedules list and a schedule's detail:
toggle and delete act on every schedule in hand (the marked rows, or the one shown); edit,
raw edit, clone, the copies and the JSON view on the one under the cursor."""

from __future__ import annotations

from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.ui.flows.copy import copy_schedule_arn, copy_schedule_console_url, open_json_view
from schedtui.ui.flows.deletion import delete_schedules
from schedtui.ui.flows.schedule_edit import open_clone, open_edit, open_raw_edit
from schedtui.ui.flows.toggle import toggle
from schedtui.ui.screens.base import AppScreen

Seen = Schedule | ScheduleSummary


class CopiesSchedule(AppScreen):
    """`y` and `Y` on a screen whose rows are schedules (the lists, the detail, the fleet
    doctor, cleanup, the timeline): the ARN and console URL of ``copied()``."""

    def copied(self) -> Seen | None:
        """The schedule the copies act on (None: nothing to copy, and said why if need be)."""
        raise NotImplementedError

    def action_copy_arn(self) -> None:
        if found := self.copied():
            copy_schedule_arn(self.host, found)

    def action_copy_console_url(self) -> None:
        if found := self.copied():
            copy_schedule_console_url(self.host, found)


class ScheduleActions(CopiesSchedule):
    def in_hand(self) -> list[Seen]:
        """What toggle and delete act on."""
        raise NotImplementedError

    def current(self) -> Seen | None:
        """What edit, raw edit and clone act on."""
        raise NotImplementedError

    def toggled(self) -> None:
        """After a toggle, whatever its outcome."""

    def deleting(self) -> None:
        """A delete was started (its dialog may still be cancelled)."""

    def deleted(self, arns: set[str]) -> None:
        """After a delete, with the ARNs of what is gone."""

    def action_toggle(self) -> None:
        if items := self.in_hand():
            toggle(self.host, items, on_done=self.toggled)

    def action_delete(self) -> None:
        if items := self.in_hand():
            self.deleting()
            delete_schedules(self.host, items, on_done=self.deleted)

    def action_edit(self) -> None:
        if found := self.current():
            open_edit(self.host, found)

    def action_view(self) -> None:
        self.action_edit()  # read-only: the form opens as a viewer

    def action_raw_edit(self) -> None:
        if found := self.current():
            open_raw_edit(self.host, found)

    def action_clone(self) -> None:
        if found := self.current():
            open_clone(self.host, found)

    def copied(self) -> Seen | None:
        return self.current()

    def action_view_json(self) -> None:
        if found := self.current():
            open_json_view(self.host, found)
