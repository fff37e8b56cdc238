"""The house layout (docs/ARCHITECTURE.md): the tree shows the four jobs, and imports only go downwards."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = {"__init__", "config", "messages", "conversation", "privacy"}
JOBS = {"answering", "records", "experts", "service"}
# what each part of bot/ may import from bot/ (besides itself); the shared types are open to all
ALLOWED = {
    "db": set(),
    "answering": {"config", "messages"},
    "records": {"config", "messages", "db"},
    "experts": {"config", "messages", "db", "records"},
    "service": {"config", "messages", "privacy", "db", "answering", "records", "experts"},
    "conversation": {"config", "messages", "privacy", "answering", "records", "experts", "service"},
    "config": set(), "messages": set(), "privacy": set(), "__init__": set(),
}
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "botbuilder", "aiohttp", "typer", "rich")
QUERY_BUILDERS = {"select", "insert", "update", "delete", "text", "func", "and_", "or_"}


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import outside ``if TYPE_CHECKING:`` blocks, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).parent.parts)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, [a.name for a in node.names]))
    return found


def part_of(path: Path) -> str:
    rel = path.relative_to(ROOT / "bot").parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def test_bot_top_level_holds_only_the_shared_modules():
    modules = {p.stem for p in (ROOT / "bot").glob("*.py")}
    packages = {p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert modules == SHARED
    assert packages == JOBS | {"db"}
    for name in JOBS:
        doc = ast.get_docstring(ast.parse((ROOT / "bot" / name / "__init__.py").read_text()))
        assert doc and "import" in doc, f"bot/{name}/__init__.py must say what it holds and what others may import"


def test_cli_modules_stay_small():
    files = sorted((ROOT / "adapters" / "cli").glob("*.py"))
    assert {f.stem for f in files} >= {"__init__", "knowledge", "records", "experts", "platforms"}
    for f in files:
        assert len(f.read_text().splitlines()) <= 250, f"{f.relative_to(ROOT)} is over 250 lines"


@pytest.mark.parametrize("path", sorted((ROOT / "bot").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_bot_imports_only_downwards(path):
    if "migrations" in path.parts:
        return
    part = part_of(path)
    for module, names in imports(path):
        top = module.split(".")[0]
        assert top != "adapters", f"{path.relative_to(ROOT)} imports {module}: bot/ never imports adapters"
        assert top not in PLATFORM_SDKS, f"{path.relative_to(ROOT)} imports {module}: no platform SDK in bot/"
        if top == "bot" and "." in module:
            target = module.split(".")[1]
            if target != part:
                assert target in ALLOWED[part], f"{path.relative_to(ROOT)} imports {module} ({part} → {target})"
        if top == "sqlalchemy" and part != "db":
            assert not set(names) & QUERY_BUILDERS, f"{path.relative_to(ROOT)} builds SQL: all SQL lives in bot/db"


@pytest.mark.parametrize("path", sorted((ROOT / "indexer").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_indexer_imports_neither_bot_nor_adapters(path):
    for module, _ in imports(path):
        assert module.split(".")[0] not in ("bot", "adapters"), f"{path.relative_to(ROOT)} imports {module}"
