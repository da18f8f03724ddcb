"""Every action string the code can record in the audit trail, read from the source.

An action reaches ``AuditEvent.action`` through ``audit_record(action=…)``,
``Change(action=…)`` / ``Change("…", …)`` or ``AuditEvent(action=…)``. The scan follows a
value to where it is written: a string literal; both branches of ``a if c else b``; a
local variable's assignments; a parameter of the enclosing function, through every call
of that function (by keyword or position, and its default). An f-string is expanded by
``EXPANSIONS`` (add one there when you write a new one). Anything else is reported as
unresolved, so the test fails until the action is a literal or the scan learns it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "rumbo"
SINKS = {"audit_record", "Change", "AuditEvent"}
# audit_record_many stores each Change's own action: the Changes are scanned themselves.
PASSED_ON = {"change.action"}


def _strategy_actions(verb: str) -> list[str]:
    from rumbo.strategy.services.tree import _ACTION

    return [f"{name}.{verb}" for name in _ACTION.values()]


def _period_actions() -> list[str]:
    from rumbo.monitoring.cycle import TRANSITIONS

    return [f"period.{name}" for name in TRANSITIONS]


def _finding_actions() -> list[str]:
    from rumbo.imports.models import FindingStatus

    return [f"finding.{status}" for status in FindingStatus if status != FindingStatus.OPEN]


# f-string (as written in the source) → the actions it can produce, from the code itself.
EXPANSIONS: dict[str, Callable[[], list[str]]] = {
    "f'{_ACTION[model]}.create'": lambda: _strategy_actions("create"),
    "f'{_ACTION[model]}.update'": lambda: _strategy_actions("update"),
    "f'{_ACTION[model]}.delete'": lambda: _strategy_actions("delete"),
    "f'period.{transition.name}'": _period_actions,
    "f'finding.{status}'": _finding_actions,
}


@dataclass
class Scan:
    actions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unresolved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Function:
    path: Path
    node: ast.FunctionDef | ast.AsyncFunctionDef


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


class _Scanner:
    def __init__(self) -> None:
        self.trees = {
            path: ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(ROOT.rglob("*.py"))
            if "migrations" not in path.parts
        }
        self.parents = {path: _parents(tree) for path, tree in self.trees.items()}
        self.functions: dict[str, list[_Function]] = defaultdict(list)
        self.calls: dict[str, list[tuple[Path, ast.Call]]] = defaultdict(list)
        for path, tree in self.trees.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.functions[node.name].append(_Function(path, node))
                elif isinstance(node, ast.Call) and _name(node):
                    self.calls[_name(node) or ""].append((path, node))
        self.scan = Scan()
        self.seen: set[tuple[str, str]] = set()

    def where(self, path: Path, node: ast.AST) -> str:
        return f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', '?')}"

    def enclosing(self, path: Path, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        parents = self.parents[path]
        current = parents.get(node)
        while current is not None and not isinstance(
            current, ast.FunctionDef | ast.AsyncFunctionDef
        ):
            current = parents.get(current)
        return current

    def resolve(self, path: Path, value: ast.expr) -> Iterator[str]:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            yield value.value
        elif isinstance(value, ast.IfExp):
            yield from self.resolve(path, value.body)
            yield from self.resolve(path, value.orelse)
        elif isinstance(value, ast.JoinedStr):
            expand = EXPANSIONS.get(ast.unparse(value))
            if expand is None:
                self.scan.unresolved.append(f"{self.where(path, value)} {ast.unparse(value)}")
            else:
                yield from expand()
        elif isinstance(value, ast.Name):
            yield from self.resolve_name(path, value)
        else:
            self.scan.unresolved.append(f"{self.where(path, value)} {ast.unparse(value)}")

    def resolve_name(self, path: Path, name: ast.Name) -> Iterator[str]:
        function = self.enclosing(path, name)
        if function is None:
            self.scan.unresolved.append(f"{self.where(path, name)} {name.id}")
            return
        assigned = [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
        ]
        if assigned:
            for value in assigned:
                yield from self.resolve(path, value)
            return
        yield from self.resolve_parameter(path, function, name)

    def resolve_parameter(
        self, path: Path, function: ast.FunctionDef | ast.AsyncFunctionDef, name: ast.Name
    ) -> Iterator[str]:
        key = (f"{path}:{function.name}", name.id)
        if key in self.seen:
            return
        self.seen.add(key)
        args = function.args
        positional = [a.arg for a in [*args.posonlyargs, *args.args]]
        defaults = dict(
            zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
        )
        defaults.update(
            {
                a.arg: d
                for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                if d is not None
            }
        )
        if name.id not in positional and name.id not in {a.arg for a in args.kwonlyargs}:
            self.scan.unresolved.append(f"{self.where(path, name)} {name.id}")
            return
        if name.id in defaults:
            yield from self.resolve(path, defaults[name.id])
        index = positional.index(name.id) if name.id in positional else None
        if index is not None and positional[:1] in (["self"], ["cls"]):
            index -= 1
        for call_path, call in self.calls.get(function.name, []):
            for keyword in call.keywords:
                if keyword.arg == name.id:
                    yield from self.resolve(call_path, keyword.value)
            if index is not None and len(call.args) > index:
                yield from self.resolve(call_path, call.args[index])

    def run(self) -> Scan:
        for sink in SINKS:
            for path, call in self.calls.get(sink, []):
                values = [k.value for k in call.keywords if k.arg == "action"]
                if sink == "Change" and call.args:
                    values.append(call.args[0])
                for value in values:
                    if ast.unparse(value) in PASSED_ON:
                        continue
                    for action in self.resolve(path, value):
                        self.scan.actions[action].add(self.where(path, call))
        return self.scan


def recorded_actions() -> Scan:
    """Every action the source can record (with where), and what the scan could not follow."""
    return _Scanner().run()
