"""The README's IAM policies stay true to the code: every AWS operation schedtui calls is in
them, the read-only one holds no write, and neither lists an action the code never calls.

The operations are read from the source (the AST; nothing is imported or called): every
call ``X.name(...)`` and ``get_paginator("name")`` where ``name`` is an operation of a
service schedtui makes clients for, as botocore's own service models name them. The demo
is left out: it seeds moto, never an operator's account.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from schedtui.aws.session import _MUTATING_PREFIXES

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "schedtui"
README = ROOT / "README.md"
SERVICES = (
    "scheduler", "cloudwatch", "sqs", "sts", "cloudtrail", "logs", "lambda", "stepfunctions", "ecs",
    "iam", "sns", "events", "kms", "kinesis", "firehose", "sagemaker", "codebuild", "codepipeline",
)  # fmt: skip
# Services whose operation names are common words (IAM's get_group, SageMaker's search…): a call
# is theirs only when its receiver names them (``self._clients.iam``, ``iam.get_role``).
NAMED_ONLY = {"iam", "sns", "events", "kms", "kinesis", "firehose", "sagemaker", "codebuild",
              "codepipeline"}  # fmt: skip
# IAM's prefix is the client's name, but for these.
IAM_PREFIXES = {"stepfunctions": "states"}
PASS_ROLE = "iam:PassRole"  # not a call of ours: AWS checks it on Create/UpdateSchedule


def _operations_by_method() -> dict[str, dict[str, str]]:
    session = botocore.session.get_session()
    return {
        service: {
            xform_name(name): name for name in session.get_service_model(service).operation_names
        }
        for service in SERVICES
    }


def _service_of(receiver: str, candidates: list[str]) -> str:
    """Which client a call is made on. The repositories reach the other services through
    attributes named after them (``self._clients.sqs``, ``self.sts``); the scheduler client
    goes by several names (``self._scheduler()``, ``self._writer``, ``client``)."""
    named = [service for service in candidates if service in receiver]
    if len(named) == 1:
        return named[0]
    if len(candidates) == 1:
        return candidates[0]
    assert "scheduler" in candidates, f"which client is `{receiver}`? ({candidates})"
    return "scheduler"


def called_actions() -> set[str]:
    """``service:Operation`` for every AWS operation the code calls."""
    methods = _operations_by_method()
    found: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        if "demo" in path.relative_to(SOURCE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if name == "get_paginator" and node.args and isinstance(node.args[0], ast.Constant):
                name = str(node.args[0].value)
            receiver = ast.unparse(node.func.value)
            candidates = [
                service
                for service in SERVICES
                if name in methods[service] and (service not in NAMED_ONLY or service in receiver)
            ]
            if candidates:
                service = _service_of(receiver, candidates)
                found.add(f"{IAM_PREFIXES.get(service, service)}:{methods[service][name]}")
    return found


def clients_made() -> set[str]:
    """The services schedtui makes clients for (``_client("x")``, ``writer("x")``)."""
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in SOURCE.rglob("*.py")
        if "demo" not in path.relative_to(SOURCE).parts
    )
    return set(re.findall(r"""(?:_client|writer|\.client)\(\s*["']([a-z0-9-]+)["']""", text))


def policy(marker: str) -> set[str]:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker} -->\n```json\n(.*?)\n```", text, re.S)
    assert found, f"README.md has no policy after <!-- {marker} -->"
    document = json.loads(found.group(1))
    assert document["Version"] == "2012-10-17"
    actions: set[str] = set()
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions |= {listed} if isinstance(listed, str) else set(listed)
    return actions


def is_write(action: str) -> bool:
    return action.split(":")[1].startswith(_MUTATING_PREFIXES)


def test_the_scan_sees_every_service_and_the_calls_it_must() -> None:
    assert clients_made() == set(SERVICES)
    actions = called_actions()
    # A few the app cannot work without: if these vanish, the scan is broken, not the app.
    assert {
        "scheduler:ListSchedules",
        "scheduler:GetSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:TagResource",  # on the scheduler client, though CloudWatch has one too
        "cloudwatch:GetMetricData",
        "sqs:ReceiveMessage",
        "sts:GetCallerIdentity",
    } <= actions
    assert "cloudwatch:TagResource" not in actions


@pytest.mark.parametrize("marker", ["iam-read-only", "iam-operating"])
def test_a_policy_lists_no_action_the_code_does_not_call(marker: str) -> None:
    extra = policy(marker) - called_actions() - {PASS_ROLE}
    assert not extra, f"README.md ({marker}) grants what schedtui never calls: {sorted(extra)}"


def test_the_read_only_policy_has_every_read_and_no_write() -> None:
    reads = {action for action in called_actions() if not is_write(action)}
    granted = policy("iam-read-only")
    assert not reads - granted, f"README.md's read-only policy lacks {sorted(reads - granted)}"
    writes = sorted(action for action in granted if is_write(action) or action == PASS_ROLE)
    assert not writes, f"README.md's read-only policy grants writes: {writes}"


def test_the_operating_policy_has_every_call_and_passes_the_roles() -> None:
    granted = policy("iam-operating")
    missing = called_actions() - granted
    assert not missing, f"README.md's operating policy lacks {sorted(missing)}"
    assert PASS_ROLE in granted
    assert policy("iam-read-only") <= granted
