"""`audit` is the leaf every app may use: it imports no app of ours, at module level or inside a function,
and the apps above plug into it through its hooks rather than being imported by it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from audit import security
from audit.http import client_ip
from audit.models import SecurityEvent
from portal import http
from privacy.security import run_alert_rules

#: the project's own apps (and the test suite): `audit` may import none of them
OURS = {"portal", "merchants", "orders", "payments", "branding", "shipping", "integrations", "privacy", "tests"}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an AST imports, wherever the import statement stands (module level or in a function)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom):  # relative: within audit itself
            found.append((node.lineno, "audit"))
    return found


def test_audit_imports_no_other_app_of_ours():
    audit_dir = Path(settings.BASE_DIR) / "audit"
    files = sorted(audit_dir.rglob("*.py"))
    assert audit_dir / "security.py" in files
    offending = [
        f"{path.relative_to(settings.BASE_DIR)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(ast.parse(path.read_text(), filename=str(path)))
        if module.split(".")[0] in OURS
    ]
    assert offending == []


def test_the_walk_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from privacy.tasks import build_export\n")
    assert imported_modules(tree) == [(2, "privacy.tasks")]


def test_callbacks_registered_with_on_event_run_after_each_event_once(db):
    seen: list[SecurityEvent] = []
    callback = security.on_event(seen.append)
    security.on_event(callback)  # registering twice runs it once
    try:
        event = security.record_event(SecurityEvent.Kind.BACKUP, file="x.tar")
    finally:
        security._callbacks.remove(callback)
    assert seen == [event]


def test_privacy_plugs_its_alert_rules_into_audit():
    assert run_alert_rules in security._callbacks


def test_there_is_one_client_address_function():
    assert http.client_ip is client_ip
