"""Schedule groups: create one with tags, review and apply tag changes.

Every call to AWS runs in a thread worker and goes through the mutation chokepoint; results
come back to the main thread with ``call_from_thread``. The form stays open while a change is
sent, so an error is shown next to it and nothing the operator typed is lost. Deleting a
group lives with the other deletions, in ``flows/deletion.py``.
"""

from __future__ import annotations

from schedtui.aws.errors import AwsError
from schedtui.core.schedules.group import ScheduleGroup, ScheduleGroupState
from schedtui.core.schedules.group_form import TagChanges, tag_changes
from schedtui.core.text import printable
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.screens.group_form import GroupFormScreen, changes_text
from schedtui.ui.session import Host


def refuse_if_deleting(app: Host, group: ScheduleGroup, what: str) -> bool:
    """A group AWS is deleting cannot be changed: say so and return True."""
    if group.state == ScheduleGroupState.DELETING:
        app.notify(
            f"Group {printable(group.name)} is being deleted: {what} refused",
            severity="warning",
        )
        return True
    return False


# -- create ------------------------------------------------------------------------------------


def new_group(app: Host) -> None:
    if app.refused_read_only("New group"):
        return
    app.push_screen(
        GroupFormScreen(
            "new",
            existing=set(app.session.store.groups),
            on_save=lambda form, name, tags: _create(app, form, name, tags),
        )
    )


def _create(app: Host, form: GroupFormScreen, name: str, tags: dict[str, str]) -> None:
    form.busy(f"creating group {printable(name)}…")
    app.run_worker(lambda: _create_worker(app, form, name, tags), thread=True, group="groups")


def _create_worker(app: Host, form: GroupFormScreen, name: str, tags: dict[str, str]) -> None:
    backend = app.session.backend
    try:
        # AWS refuses an existing name (ConflictException), but moto silently replaces the
        # group and drops its schedules: look again just before sending, whatever the store
        # said when the form opened.
        if name in {group.name for group in backend.scheduler.list_groups()}:
            app.call_from_thread(
                form.failed, f"a group named {name} already exists (created meanwhile)"
            )
            return
        group = backend.mutations.create_group(name, tags)
    except AwsError as error:
        app.call_from_thread(form.failed, str(error))
        return
    app.call_from_thread(_created, app, form, group, tags)


def _created(app: Host, form: GroupFormScreen, group: ScheduleGroup, tags: dict[str, str]) -> None:
    app.session.store.groups[group.name] = group
    if group.arn:
        app.session.store.group_tags[group.arn] = dict(tags)
    form.dismiss(None)
    count = len(tags)
    app.notify(
        f"Group {printable(group.name)} created"
        + (f" with {count} tag{'s' if count != 1 else ''}" if count else ""),
        markup=False,
    )
    app.changed()


# -- edit tags ---------------------------------------------------------------------------------


def edit_group_tags(app: Host, name: str) -> None:
    """Read the group's tags fresh, then open the form (a viewer when read-only)."""
    group = app.session.store.groups.get(name)
    if group is None:
        return
    if refuse_if_deleting(app, group, "changing its tags"):
        return
    if not group.arn:
        app.notify(f"Group {printable(name)} has no ARN yet", severity="warning", markup=False)
        return
    app.run_worker(lambda: _read_tags(app, group), thread=True, group="groups")


def _read_tags(app: Host, group: ScheduleGroup) -> None:
    try:
        tags = app.session.backend.scheduler.group_tags(group.arn or "")
    except AwsError as error:
        app.call_from_thread(app.show_error, error)
        return
    app.call_from_thread(_open_tags_form, app, group, tags)


def _open_tags_form(app: Host, group: ScheduleGroup, tags: dict[str, str]) -> None:
    app.session.store.group_tags[group.arn or ""] = dict(tags)
    app.push_screen(
        GroupFormScreen(
            "edit",
            name=group.name,
            tags=tags,
            read_only=app.session.backend.settings.read_only,
            on_save=lambda form, _, after: _review(app, form, group, after),
        )
    )


def _review(app: Host, form: GroupFormScreen, group: ScheduleGroup, after: dict[str, str]) -> None:
    before = dict(form.baseline)
    changes = tag_changes(before, after)
    body = changes_text(changes)
    body.append(
        "\n\nOnly these tags are sent; the others stay as they are. If the group's tags "
        "change on the server before this is sent, nothing is sent.",
        style="dim",
    )
    form.busy("reviewing…")

    def answered(yes: bool | None) -> None:
        if not yes:
            form.idle()
            return
        form.busy("saving…")
        app.run_worker(
            lambda: _apply_worker(app, form, group, before, changes), thread=True, group="groups"
        )

    title = f"Change the tags of group {printable(group.name)}?"
    app.push_screen(ConfirmScreen(title, body, "Apply"), answered)


def _apply_worker(
    app: Host,
    form: GroupFormScreen,
    group: ScheduleGroup,
    before: dict[str, str],
    changes: TagChanges,
) -> None:
    arn = group.arn or ""
    scheduler, mutations = app.session.backend.scheduler, app.session.backend.mutations
    try:
        current = scheduler.group_tags(arn)
        if current != before:
            moved = changes_text(tag_changes(before, current)).plain.replace("\n", ", ")
            app.call_from_thread(
                form.failed,
                f"nothing sent: the tags changed on the server since the form opened ({moved}); "
                "the changes shown are now against the server's tags",
                current,
            )
            return
    except AwsError as error:
        app.call_from_thread(form.failed, str(error))
        return
    try:
        if changes.to_set():
            mutations.tag_group(arn, changes.to_set())
        if changes.to_remove():
            mutations.untag_group(arn, changes.to_remove())
        after = scheduler.group_tags(arn)
    except AwsError as error:
        try:
            now = scheduler.group_tags(arn)
        except AwsError:
            now = None
        app.call_from_thread(form.failed, str(error), now)
        return
    app.call_from_thread(_applied, app, form, group, after, changes)


def _applied(
    app: Host,
    form: GroupFormScreen,
    group: ScheduleGroup,
    after: dict[str, str],
    changes: TagChanges,
) -> None:
    app.session.store.group_tags[group.arn or ""] = after
    form.dismiss(None)
    counts = [
        (len(changes.added), "added"),
        (len(changes.changed), "changed"),
        (len(changes.removed), "removed"),
    ]
    summary = ", ".join(f"{count} {word}" for count, word in counts if count)
    app.notify(f"Tags of group {printable(group.name)} saved: {summary}", markup=False)
