"""The house holds its shape: no import circles, no imports hidden in functions to dodge one,
services free of Telegram, and one folder per domain noun.

Read from the source with `ast`, so nothing of the project runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"

# Imported inside functions on purpose, for start-up cost (matplotlib is ~50 MB and a second),
# not to dodge a circle. The command line loads its command modules lazily for the same reason.
LAZY_FOR_WEIGHT: set[str] = set()
LAZY_ALLOWED_IN = ("bot.cli",)

WINGS = ("communities", "members", "intake", "meetings", "checkins", "outbox")


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(BOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported (not under TYPE_CHECKING, not in defs)."""
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                stack.extend(handler.body)


def targets(node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> set[str]:
    """The project modules whose contents an import statement uses.

    `from pkg import sub` uses the submodule, not the package face: Python loads the face
    first, but a face that is still loading does no harm unless a name is taken from it.
    """
    found: set[str] = set()
    if isinstance(node, ast.Import):
        found = {alias.name for alias in node.names if alias.name in known}
    elif node.module and node.level == 0:
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            if full in known:
                found.add(full)
            elif node.module in known:
                found.add(node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: set[str] = set()
        for node in top_level_imports(tree):
            edges |= targets(node, known)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_are_no_import_circles() -> None:
    # The SQLAlchemy relationship pair (communities <-> members) imports under TYPE_CHECKING
    # only, so it does not show here at all.
    assert cycles(import_graph()) == []


def test_no_project_import_hides_inside_a_function() -> None:
    hidden = []
    for name, path in modules().items():
        if name.startswith(LAZY_ALLOWED_IN):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.ImportFrom)
                    and (node.module or "").startswith("bot")
                    and node.module not in LAZY_FOR_WEIGHT
                ):
                    hidden.append(f"{path.relative_to(BOT.parent)}:{node.lineno}")
    assert hidden == []


def test_services_never_import_telegram() -> None:
    offenders = []
    for name, path in modules().items():
        if not name.startswith(("bot.services", "bot.db", "bot.i18n")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "telegram" or n.startswith("telegram.") for n in names):
                offenders.append(name)
    assert offenders == []


def test_each_domain_noun_is_one_folder_in_services() -> None:
    services = BOT / "services"
    for wing in WINGS:
        assert (services / wing / "__init__.py").is_file(), wing
        assert not (services / f"{wing}.py").exists(), wing
    flat = sorted(p.stem for p in services.glob("*.py") if p.stem != "__init__")
    # Beside the wings only the cross-cutting ground floor.
    assert flat == ["audit", "dialogs", "fallback", "throttle", "timing", "updates"]


def test_handlers_are_grouped_by_audience() -> None:
    handlers = BOT / "channels" / "telegram" / "handlers"
    for audience in ("newcomers", "meetings", "staff"):
        assert (handlers / audience / "__init__.py").is_file(), audience
    # A handler and the service it drives share a file name.
    for handler, service in [
        ("meetings/drafts.py", "meetings/drafts.py"),
        ("meetings/edits.py", "meetings/edits.py"),
        ("meetings/overview.py", "meetings/overview.py"),
        ("meetings/rsvps.py", "meetings/rsvps.py"),
        ("newcomers/profiles.py", "members/profiles.py"),
        ("newcomers/stories.py", "members/stories.py"),
        ("newcomers/data_rights.py", "members/data_rights.py"),
        ("staff/roles.py", "communities/roles.py"),
        ("staff/announcements.py", "outbox/announcements.py"),
        ("throttle.py", "throttle.py"),
        ("ambassadors/reviews.py", "translations/reviews.py"),
        ("ambassadors/translators.py", "translations/translators.py"),
        ("ambassadors/tasks.py", "translations/tasks.py"),
    ]:
        assert (handlers / handler).is_file(), handler
        assert (BOT / "services" / service).is_file(), service


def test_the_circle_finder_finds_a_circle() -> None:
    # The checks above pass on an empty answer; make sure the finder can say no.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
