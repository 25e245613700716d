"""The import graph between our apps is the one docs/architecture.md states, and no import hides in a function.

Every .py file of every app is read with `ast` (no import is executed): module-level imports, imports inside
functions, methods and `if TYPE_CHECKING:` blocks, `import x`, `from x import y` and
`importlib.import_module("x")` with a literal name. An app that does not exist yet is simply not walked; the
graph still names it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
ARCHITECTURE_DOC = BASE_DIR / "docs" / "architecture.md"

# The one-way dependency graph, lowest first: an app may import its own layer's app and every app in a lower
# layer (transitively), never a higher one nor a sibling of its layer.
LAYERS: list[tuple[str, ...]] = [
    ("audit",),
    ("portal",),
    ("merchants",),
    ("orders",),
    ("payments", "branding", "shipping"),
    ("integrations",),
]
# Modules of a sibling an app may read besides (shipping reads the brand kit for packing slips).
ALSO_ALLOWED: dict[str, tuple[str, ...]] = {"shipping": ("branding.selectors",)}
# Apps on top of everything: they may import every app.
TOP: tuple[str, ...] = ("privacy",)
# Files that put the whole project together and may import every app: the URLconf, the settings package,
# demo seeding and migrations.
COMPOSITION_ROOTS: tuple[str, ...] = (
    "portal/urls.py",
    "portal/settings/*",
    "*/demo.py",
    "portal/management/commands/seed_demo.py",
    "*/migrations/*",
)
LOCAL_IMPORT_MARK = "# local import:"


def graph_lines() -> list[str]:
    """The graph as docs/architecture.md writes it, one rule a line."""
    layers = " <- ".join(layer[0] if len(layer) == 1 else "{" + ", ".join(layer) + "}" for layer in LAYERS)
    lines = [layers]
    lines += [f"{app} -> {', '.join(modules)}" for app, modules in ALSO_ALLOWED.items()]
    lines += [f"{app} -> every app" for app in TOP]
    return lines


APPS: tuple[str, ...] = tuple(app for layer in LAYERS for app in layer) + TOP


def allowed_apps(app: str) -> set[str]:
    """The apps `app` may import (itself included)."""
    if app in TOP:
        return set(APPS)
    for index, layer in enumerate(LAYERS):
        if app in layer:
            return {app} | {lower for below in LAYERS[:index] for lower in below}
    raise KeyError(app)


def may_import(app: str, module: str) -> bool:
    target = module.split(".")[0]
    if target in allowed_apps(app):
        return True
    return any(module == extra or module.startswith(extra + ".") for extra in ALSO_ALLOWED.get(app, ()))


@dataclass(frozen=True)
class Import:
    path: str  # relative to the project, e.g. "orders/services/placing.py"
    line: int
    module: str  # the module imported, resolved: "branding.selectors", "orders.models"...
    local: bool  # inside a function or method
    in_ready: bool  # inside an AppConfig.ready()
    marked: bool  # its line carries "# local import: <reason>"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}"


def present_apps() -> list[str]:
    return [app for app in APPS if (BASE_DIR / app / "__init__.py").exists()]


def is_module(dotted: str) -> bool:
    path = BASE_DIR.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def package_of(path: Path) -> list[str]:
    parts = list(path.relative_to(BASE_DIR).with_suffix("").parts)
    return parts[:-1] if parts[-1] != "__init__" else parts[:-1]


def imported_modules(node: ast.AST, path: Path) -> Iterator[str]:
    """The modules an import statement (or import_module call) names, resolved against our tree."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolved against the file's package
            package = package_of(path)
            base = package[: len(package) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:
            candidate = f"{source}.{alias.name}"
            # `from branding import selectors` reads the module branding.selectors; `from orders import x`
            # where x is no module reads the package orders.
            yield candidate if alias.name != "*" and is_module(candidate) else source
    elif (
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        yield node.args[0].value


class _Walker(ast.NodeVisitor):
    def __init__(self, path: Path, source: str) -> None:
        self.path, self.lines, self.found = path, source.splitlines(), []
        self.functions: list[str] = []
        self.classes: list[ast.ClassDef] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node)
        saved, self.functions = self.functions, []  # a class inside a function keeps nothing of it
        self.generic_visit(node)
        self.functions = saved
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _in_ready(self) -> bool:
        if self.functions != ["ready"] or not self.classes:
            return False
        bases = {getattr(base, "attr", getattr(base, "id", "")) for base in self.classes[-1].bases}
        return "AppConfig" in bases or self.path.name == "apps.py"

    def _record(self, node: ast.Import | ast.ImportFrom | ast.Call) -> None:
        statement = self.lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        for module in dict.fromkeys(imported_modules(node, self.path)):  # once each, in order
            self.found.append(
                Import(
                    path=str(self.path.relative_to(BASE_DIR)),
                    line=node.lineno,
                    module=module,
                    local=bool(self.functions),
                    in_ready=self._in_ready(),
                    marked=any(LOCAL_IMPORT_MARK in line for line in statement),
                )
            )

    def visit_Import(self, node: ast.Import) -> None:
        self._record(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._record(node)

    def visit_Call(self, node: ast.Call) -> None:
        if any(imported_modules(node, self.path)):
            self._record(node)
        self.generic_visit(node)


@cache
def imports_of(path: Path) -> tuple[Import, ...]:
    source = path.read_text(encoding="utf-8")
    walker = _Walker(path, source)
    walker.visit(ast.parse(source, filename=str(path)))
    return tuple(walker.found)


def python_files(app: str) -> list[Path]:
    return sorted(path for path in (BASE_DIR / app).rglob("*.py") if "__pycache__" not in path.parts)


def is_composition_root(path: Path) -> bool:
    relative = path.relative_to(BASE_DIR)
    return any(relative.match(pattern) for pattern in COMPOSITION_ROOTS)


def ours(module: str) -> bool:
    return module.split(".")[0] in APPS


def graph_violations() -> list[str]:
    violations = []
    for app in present_apps():
        for path in python_files(app):
            if is_composition_root(path):
                continue
            for found in imports_of(path):
                if ours(found.module) and not may_import(app, found.module):
                    violations.append(f"{found} ({app} -> {found.module.split('.')[0]})")
    return violations


def local_import_violations() -> list[str]:
    violations = []
    for app in present_apps():
        for path in python_files(app):
            if "migrations" in path.relative_to(BASE_DIR).parts:
                continue
            for found in imports_of(path):
                if found.local and ours(found.module) and not found.in_ready and not found.marked:
                    violations.append(str(found))
    return violations


def test_no_app_imports_another_against_the_documented_graph():
    violations = graph_violations()
    assert not violations, "Imports against the graph of docs/architecture.md:\n" + "\n".join(violations)


def test_no_function_local_import_of_our_modules_without_a_reason():
    violations = local_import_violations()
    assert not violations, (
        f"Function-local imports of our modules (import at the top, or say why with `{LOCAL_IMPORT_MARK} <reason>` "
        "on the import's line; AppConfig.ready() is fine):\n" + "\n".join(violations)
    )


def test_docs_architecture_states_the_same_graph():
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    for line in graph_lines():
        assert line in text.splitlines(), f"docs/architecture.md should state the graph line: {line}"


# The checker itself, on small samples: it must see what it claims to see.


@pytest.mark.parametrize(
    ("app", "module", "allowed"),
    [
        ("merchants", "portal.roles", True),
        ("merchants", "audit.ledger", True),  # transitive: merchants -> portal -> audit
        ("orders", "merchants.models", True),
        ("payments", "orders.services", True),
        ("orders", "payments.models", False),  # upwards
        ("payments", "shipping.models", False),  # sibling
        ("shipping", "branding.selectors", True),
        ("shipping", "branding.selectors.kits", True),
        ("shipping", "branding.models", False),
        ("portal", "merchants.models", False),
        ("portal", "audit.hashing", True),
        ("audit", "portal.errors", False),  # audit imports none of ours
        ("integrations", "shipping.services", True),
        ("integrations", "privacy.registry", False),
        ("privacy", "integrations.webhooks", True),
        ("privacy", "shipping.models", True),
    ],
)
def test_the_graph_allows_exactly_the_documented_edges(app, module, allowed):
    assert may_import(app, module) is allowed


SAMPLE = """
from __future__ import annotations
from typing import TYPE_CHECKING
from django.apps import AppConfig
from orders.models import Order
import merchants.services
from . import selectors
from branding import selectors as brand
if TYPE_CHECKING:
    from privacy.models import ErasureRequest

def f():
    from shipping import services
    from payments.models import Payment  # local import: the provider registry loads lazily
    importlib.import_module("privacy.tasks")

class Config(AppConfig):
    def ready(self):
        from orders import extensions
"""


def test_the_walker_sees_every_kind_of_import(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.BASE_DIR", tmp_path)
    for module in ("branding/selectors.py", "shipping/selectors.py", "shipping/services.py", "orders/extensions.py"):
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text("")
    path = tmp_path / "shipping" / "apps.py"
    path.write_text(SAMPLE)
    found = {(i.module, i.local, i.in_ready, i.marked) for i in imports_of(path) if ours(i.module)}
    assert found == {
        ("orders.models", False, False, False),
        ("merchants.services", False, False, False),
        ("shipping.selectors", False, False, False),  # relative, resolved
        ("branding.selectors", False, False, False),
        ("privacy.models", False, False, False),  # inside TYPE_CHECKING
        ("shipping.services", True, False, False),
        ("payments.models", True, False, True),
        ("privacy.tasks", True, False, False),
        ("orders.extensions", True, True, False),
    }
