"""The layers point one way: core and aws import without textual (and core without boto3)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return {name.split(".")[0] for name in result.stdout.split()}


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        (
            "import schedtui.core.models, schedtui.core.next_runs, schedtui.core.describe",
            {"textual", "rich", "boto3", "botocore"},
        ),
        ("import schedtui.aws", {"textual"}),
        # `schedtui next` runs in shell loops: it must not pay for the UI or AWS stacks.
        (
            "from schedtui.cli import main; main(['next', 'rate(1 day)', '-n', '1'])",
            {"textual", "boto3", "botocore"},
        ),
    ],
)
def test_layers_import_without_the_ones_above(statement: str, forbidden: set[str]) -> None:
    assert not _modules_loaded_by(statement) & forbidden
