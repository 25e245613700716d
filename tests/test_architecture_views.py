"""Views stay HTTP only: they parse, call a service or a selector, and render (STYLE.md).

Every `views.py` (or `views/` package) of our apps is read with `ast`; a view that reaches a model's
manager (`.objects`) or writes (`.save()`, `.delete()`, `.create()`, `.update()` and their bulk cousins)
fails here, with the file and line to move into the app's selectors or services.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Views allowed to reach past services (none: every app's views call services and selectors only).
EXCLUDED: set[str] = set()

#: Attributes that reach past selectors to a model's manager.
MANAGERS = {"objects", "_default_manager", "_base_manager"}
#: Calls that write to the database.
WRITES = {"save", "delete", "create", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}


def our_apps() -> list[Path]:
    """Every Django app of the project: a top-level package with an `apps.py`."""
    return sorted(path.parent for path in ROOT.glob("*/apps.py") if (path.parent / "__init__.py").exists())


def view_modules() -> list[Path]:
    """Each app's `views.py`, or every module of its `views/` package."""
    found = []
    for app in our_apps():
        found += [app / "views.py"] if (app / "views.py").exists() else sorted((app / "views").glob("**/*.py"))
    return found


def reaches_past_services(source: str) -> list[tuple[int, str]]:
    """(line, what) for every manager access and every write call in the source of a views module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            found.append((node.lineno, f".{node.func.attr}()"))
    return sorted(found)


def test_the_check_finds_managers_and_writes():
    source = (
        "def view(request):\n"
        "    order = Order.objects.get(pk=1)\n"
        "    order.save()\n"
        "    Line.objects.filter(order=order).update(quantity=2)\n"
        "    request.user.cart.lines.create(quantity=1)\n"
        "    Model._default_manager.all().delete()\n"
        "    return render(request, 'page.html', {'order': order})\n"
    )
    assert reaches_past_services(source) == [
        (2, ".objects"),
        (3, ".save()"),
        (4, ".objects"),
        (4, ".update()"),
        (5, ".create()"),
        (6, "._default_manager"),
        (6, ".delete()"),
    ]


def test_every_app_with_pages_is_checked():
    checked = {path.relative_to(ROOT).as_posix() for path in view_modules()}
    assert {
        "portal/views.py",
        "merchants/views.py",
        "orders/views.py",
        "payments/views.py",
        "branding/views.py",
        "shipping/views.py",
        "privacy/views.py",
    } <= checked


def test_views_never_reach_past_selectors_and_services():
    offences = [
        f"{relative}:{line}: {what}"
        for path in view_modules()
        if (relative := path.relative_to(ROOT).as_posix()) not in EXCLUDED
        for line, what in reaches_past_services(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], "views must call a selector or a service instead:\n" + "\n".join(offences)
