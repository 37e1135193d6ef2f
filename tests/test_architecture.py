"""The arrows point one way: web → node → sync (STYLE.md §1-2).

Every Python file is read with `ast` (never imported), and each import is resolved to an absolute
module name, relative imports included. A layer that reaches outward, or any code that pulls in the
PyPI `automerge` package instead of our own engine in `sync.automerge`, fails here with the file,
line and import named.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Layer (top-level package) -> top-level modules it must never import.
FORBIDDEN: dict[str, frozenset[str]] = {
    "sync": frozenset({"node", "web", "sqlalchemy", "advanced_alchemy", "litestar"}),
    "node": frozenset({"web", "litestar"}),
}
# Nothing in the repository may import these: `automerge` is the PyPI binding of the Rust engine,
# which would silently stand in for ours. Our engine is always reached as `sync.automerge`.
FORBIDDEN_EVERYWHERE = frozenset({"automerge"})

SKIP_DIRS = frozenset({".git", ".venv", "node_modules", "__pycache__", ".hypothesis", "build"})


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.imported!r} ({self.rule})"


def module_name(path: Path, root: Path = REPO) -> str:
    """`sync/automerge/doc.py` -> `sync.automerge.doc`; `sync/__init__.py` -> `sync`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(package):
        # Beyond the top-level package: Python would refuse it; report it as written.
        return "." * level + (target or "")
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every module `source` imports, as (line, absolute dotted name).

    Covers `import x`, `from x import y` (also `from . import y`, reported as the submodule
    `pkg.y`, since y may be one), and `importlib.import_module("x")` / `__import__("x")` with a
    constant name. Imports under `if TYPE_CHECKING:` count too: a type dependency is a dependency.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                assert node.module is not None
                found.append((node.lineno, node.module))
            else:
                base = _resolve_relative(module, is_package, node.level, node.module)
                if base:
                    found.append((node.lineno, base))
                if node.module is None:
                    found.extend(
                        (node.lineno, f"{base}.{alias.name}" if base else alias.name)
                        for alias in node.names
                    )
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if (
                name in {"import_module", "__import__"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.append((node.lineno, first.value))
    return found


def check_source(source: str, path: str, module: str, is_package: bool = False) -> list[Violation]:
    """The layering violations in one module's source; `module` is its dotted name."""
    layer = module.split(".")[0]
    violations = []
    for line, imported in imported_modules(source, module, is_package):
        top = imported.split(".")[0]
        if top in FORBIDDEN.get(layer, ()):
            rule = f"{layer}/ must not import {top}"
            violations.append(Violation(path, line, imported, rule))
        elif top in FORBIDDEN_EVERYWHERE:
            rule = "the PyPI automerge package is not ours; use sync.automerge"
            violations.append(Violation(path, line, imported, rule))
    return violations


def python_files(root: Path = REPO) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if not SKIP_DIRS.intersection(path.relative_to(root).parts)
    )


def check_tree(root: Path = REPO) -> list[Violation]:
    violations = []
    for path in python_files(root):
        rel = path.relative_to(root).as_posix()
        violations.extend(
            check_source(
                path.read_text(encoding="utf-8"),
                rel,
                module_name(path, root),
                is_package=path.name == "__init__.py",
            )
        )
    return violations


# --- the real tree -------------------------------------------------------------------------------


def test_layers_only_import_inward() -> None:
    violations = check_tree()
    assert not violations, "layering violations:\n" + "\n".join(map(str, violations))


def test_every_layer_is_scanned() -> None:
    scanned = {module_name(path).split(".")[0] for path in python_files()}
    assert {"sync", "node", "web"} <= scanned


# --- the checker itself can fail -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "imported"),
    [
        ("sync.automerge.doc", "import node.peers\n", "node.peers"),
        ("sync.transport.ws", "from web.app import create_app\n", "web.app"),
        ("sync.store", "from sqlalchemy.orm import Mapped\n", "sqlalchemy.orm"),
        ("sync.store", "import litestar\n", "litestar"),
        ("sync", "from advanced_alchemy.base import UUIDBase\n", "advanced_alchemy.base"),
        ("node.initiatives.service", "from web.errors import NotFound\n", "web.errors"),
        ("node.peers", "from litestar.di import Provide\n", "litestar.di"),
        ("node.peers", "import importlib\nimportlib.import_module('web.app')\n", "web.app"),
        ("sync.automerge.doc", "from ...web import app\n", "web"),
        ("sync.automerge.doc", "from ... import node\n", "node"),
        (
            "sync.x",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from node import Settings\n",
            "node",
        ),
        ("node.sync_glue", "import automerge\n", "automerge"),
        ("web.app", "from automerge.core import Document\n", "automerge.core"),
        ("tests.sync.test_x", "from automerge import Document\n", "automerge"),
    ],
)
def test_checker_reports_outward_import(module: str, source: str, imported: str) -> None:
    violations = check_source(source, "synthetic.py", module)
    assert [v.imported for v in violations] == [imported]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("sync.automerge.doc", "from sync.automerge.columns import encode\nimport hashlib\n"),
        ("sync.automerge.doc", "from . import columns\nfrom .leb import uleb\n"),
        ("sync.automerge.doc", "from .. import automerge\n"),  # sync.automerge, ours
        ("node.peers", "from sync.automerge import Document\nimport sqlalchemy\n"),
        ("web.app", "import litestar\nfrom node.peers import connect\n"),
        ("tests.sync.test_x", "from sync.automerge import Document\n"),
    ],
)
def test_checker_accepts_inward_import(module: str, source: str) -> None:
    assert check_source(source, "synthetic.py", module) == []


def test_relative_import_in_package_init_resolves_from_the_package() -> None:
    # In sync/automerge/__init__.py, `from .doc import X` means sync.automerge.doc.
    found = imported_modules("from .doc import Document\n", "sync.automerge", is_package=True)
    assert found == [(1, "sync.automerge.doc")]


def test_checker_finds_violation_in_a_tree(tmp_path: Path) -> None:
    (tmp_path / "sync" / "automerge").mkdir(parents=True)
    (tmp_path / "sync" / "__init__.py").write_text("")
    (tmp_path / "sync" / "automerge" / "__init__.py").write_text("from ...node import x\n")
    (tmp_path / "node").mkdir()
    (tmp_path / "node" / "__init__.py").write_text("import sync\n")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "automerge.py").write_text("import automerge\n")
    violations = check_tree(tmp_path)
    assert [(v.path, v.imported) for v in violations] == [("sync/automerge/__init__.py", "node")]
