"""The facts package exports what it declares, and its modules stay small and pure."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import monitor.facts as facts

PACKAGE = Path(facts.__file__).parent
FORBIDDEN_IMPORTS = {
    "requests", "urllib", "socket", "sqlalchemy", "scrapy", "os", "pathlib", "subprocess", "logging",
}


def test_public_api() -> None:
    expected = {
        "DAYS", "STATUSES", "Evidence", "Fact", "FactChange", "Gazetteer", "RouteStatus", "Segment",
        "apply_fact", "compare_facts", "extract_facts", "matches_keywords", "segment",
    }
    assert set(facts.__all__) == expected
    for name in facts.__all__:
        assert hasattr(facts, name)


def test_every_module_declares_all() -> None:
    for info in pkgutil.iter_modules([str(PACKAGE)]):
        module = importlib.import_module(f"monitor.facts.{info.name}")
        exported = getattr(module, "__all__", None)
        assert exported is not None, info.name
        for name in exported:
            assert hasattr(module, name), (info.name, name)


def test_modules_are_small_and_pure() -> None:
    for path in PACKAGE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert len(source.splitlines()) <= 400, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    assert name.split(".")[0] not in FORBIDDEN_IMPORTS, (path.name, name)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("open", "print"), path.name
