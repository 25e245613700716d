"""Payment views stay HTTP only: no model manager, no write, no provider adapter (they call services and
selectors). The same rule as tests/test_architecture_views.py, for payments/views.py, which that check
excluded until these views were reworked."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "payments" / "views.py"
MANAGERS = {"objects", "_default_manager", "_base_manager"}
WRITES = {"save", "delete", "create", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}


def test_payment_views_reach_no_manager_no_write_and_no_provider_adapter():
    tree = ast.parse(VIEWS.read_text(encoding="utf-8"))
    offences = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            offences.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            offences.append(f"{node.lineno}: .{node.func.attr}()")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("payments.providers"):
            offences.append(f"{node.lineno}: imports {node.module}")
    assert offences == [], "payments/views.py must call a selector or a service instead:\n" + "\n".join(offences)
