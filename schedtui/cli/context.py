"""Where a command's AWS context comes from, for the TUI and every scripting subcommand
alike: the flags, the environment, schedtui's config file, what schedtui remembers (the TUI
only), then the AWS config files as botocore reads them (checked by ``aws/preflight.py``); or
the embedded demo.

For each setting, the first that says something wins:

- profile: ``--profile``; ``AWS_DEFAULT_PROFILE`` / ``AWS_PROFILE``; the config's
  ``profile``; the remembered profile; else botocore's default;
- region: ``--region``; ``AWS_REGION`` / ``AWS_DEFAULT_REGION``; the config's ``region``;
  the remembered region, when it was remembered with the profile now in use; the AWS
  profile's ``region`` (and the rest of botocore's chain);
- read-only: ``--read-only`` / ``--read-write``; the config's ``read_only``, or its
  ``read_only_profiles`` matching the profile in use (``core/config.py``); else off.

The remembered context is the TUI's convenience (``aws_context(..., remembered=True)``): a
scripting subcommand never gets it, so a cron job without ``--profile`` talks to the profile
the flags, environment and config give, never to whichever account the operator last
switched to in the TUI. A remembered profile or region that no longer works (the profile was
removed) is dropped with a notice, never a reason to stop. One place, so that ``schedtui
list`` and the TUI can never disagree on how the flags, environment and config choose the
account and region they talk to, whether they may write, or where the audit log goes.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from schedtui.aws.preflight import PreflightError, preflight
from schedtui.aws.session import AwsSettings, effective_profile, named_profile, profile_variable
from schedtui.core.config import LoadedConfig, load_config, read_only_reason
from schedtui.core.paths import config_path
from schedtui.core.state import Remembered, load_state
from schedtui.core.text import printable
from schedtui.demo.server import DemoBackend

DEMO_EXTRA = "the demo needs the demo extra: pip install 'schedtui[demo]'"


class ContextError(Exception):
    """One line that names the problem and the fix; the command exits 2 (usage)."""


@dataclass(frozen=True)
class Context:
    settings: AwsSettings
    # None: the operator's own audit log (aws/audit.py: default_audit_path).
    audit_path: Path | None = None
    demo: DemoBackend | None = None
    config: LoadedConfig = field(default_factory=LoadedConfig)
    remembered: Remembered = field(default_factory=Remembered)
    # Why the config made this context read-only (None: it did not, or a flag decided).
    read_only_reason: str | None = None
    # Lines for the operator: config mistakes, an unreadable state file, a remembered
    # profile that was dropped. The command shows them (stderr; the TUI: notifications).
    notices: tuple[str, ...] = ()


def demo_installed() -> bool:
    """Whether the demo extra (moto's server) is installed: without it the demo's child
    process would die at its first import, and the app would wait for an endpoint that never
    answers."""
    return all(importlib.util.find_spec(name) is not None for name in ("moto", "flask"))


def flag_settings(args: argparse.Namespace) -> AwsSettings:
    """The flags alone (None where a flag was not given)."""
    return AwsSettings(
        profile=getattr(args, "profile", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        read_only=bool(getattr(args, "read_only", None)),
    )


def _region_variable() -> bool:
    return bool(os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))


@dataclass(frozen=True)
class _Layered:
    settings: AwsSettings
    profile_origin: str | None  # where settings.profile came from, when not --profile
    remembered_used: bool


def _layered(args: argparse.Namespace, loaded: LoadedConfig, remembered: Remembered) -> _Layered:
    """The settings the flags, the environment, the config and the remembered context give
    (the module's doc has the order); the environment itself is left to botocore."""
    flags = flag_settings(args)
    config = loaded.config
    profile, origin, used = flags.profile or None, None, False
    if profile is None and profile_variable() is None:
        if config.profile is not None:
            profile, origin = config.profile, f"profile {config.profile!r} in {loaded.source}"
        elif remembered.profile is not None:
            profile, used = remembered.profile, True
            origin = f"the remembered profile {profile!r}"
    region = flags.region or None
    if region is None and not _region_variable():
        if config.region is not None:
            region = config.region
        elif remembered.region is not None:
            in_use = named_profile(replace(flags, profile=profile)) or None
            if in_use == remembered.profile:
                region, used = remembered.region, True
    return _Layered(replace(flags, profile=profile, region=region), origin, used)


def _read_only(
    args: argparse.Namespace, loaded: LoadedConfig, profile: str | None
) -> tuple[bool, str | None]:
    """Read-only or not, and the config's reason when the config decided."""
    flag = getattr(args, "read_only", None)
    if flag is not None:
        return bool(flag), None
    reason = read_only_reason(loaded, profile)
    return reason is not None, reason


def read_only_why(context: Context) -> str | None:
    """Why ``context`` is read-only, for a refusal to say: the config file's rule (which
    --read-write overrides) or the flag; None when it is not read-only."""
    if not context.settings.read_only:
        return None
    if context.read_only_reason is not None:
        return f"{context.read_only_reason}; --read-write allows changes"
    return "started with --read-only"


def report_notices(context: Context) -> None:
    """A command line's way to show the context's notices: one line each on stderr."""
    for notice in context.notices:
        print(f"schedtui: {printable(notice)}", file=sys.stderr)


def _checked(
    args: argparse.Namespace, loaded: LoadedConfig, remembered: Remembered
) -> tuple[AwsSettings, list[str]]:
    """The settings, preflighted; a remembered profile or region that fails the checks is
    dropped (with a notice) and the checks run again without it."""
    layered = _layered(args, loaded, remembered)
    try:
        return preflight(layered.settings, profile_origin=layered.profile_origin), []
    except PreflightError as problem:
        if not layered.remembered_used:
            raise ContextError(str(problem)) from None
        dropped = f"the remembered context was not used: {problem}"
    layered = _layered(args, loaded, Remembered())
    try:
        return preflight(layered.settings, profile_origin=layered.profile_origin), [dropped]
    except PreflightError as problem:
        raise ContextError(str(problem)) from None


@contextmanager
def aws_context(
    args: argparse.Namespace,
    *,
    remembered: bool = False,
    wait: bool = True,
    now: datetime | None = None,
) -> Iterator[Context]:
    """The checked settings for ``args``; with ``--demo``, the demo's server for as long as
    the block runs (``wait=False``: return before it has seeded; its first answers wait).
    ``remembered``: apply what the TUI remembered (the TUI's start only; never a script).
    Raises ContextError before anything starts."""
    loaded = load_config(config_path())
    state = load_state() if remembered else Remembered()
    notices = [*loaded.problems, *([state.problem] if state.problem else [])]
    if not args.demo:
        settings, dropped = _checked(args, loaded, state)
        read_only, reason = _read_only(args, loaded, effective_profile(settings))
        yield Context(
            replace(settings, read_only=read_only),
            config=loaded,
            remembered=state,
            read_only_reason=reason,
            notices=(*notices, *dropped),
        )
        return
    if not demo_installed():
        raise ContextError(DEMO_EXTRA)
    with ExitStack() as stack:
        # The demo's moto server: never AWS, whatever profile or endpoint was given. The
        # simulator derives a week of metrics from every fire time: fine for the curated demo,
        # far too slow for --demo-size 100000, which is for list-scale testing.
        size = getattr(args, "demo_size", None)
        demo = DemoBackend(size=size, simulate=size is None, wait=wait, now=now)
        # The demo belongs to no profile: the config's read_only applies, no pattern does.
        read_only, reason = _read_only(args, loaded, None)
        settings = replace(stack.enter_context(demo), read_only=read_only)
        # The demo's writes are not the operator's: their audit lines go to a directory that
        # goes away with the demo, never into the real log.
        audit_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="schedtui-demo-")))
        yield Context(
            settings,
            audit_dir / "audit.jsonl",
            demo,
            config=loaded,
            remembered=state,
            read_only_reason=reason,
            notices=tuple(notices),
        )
