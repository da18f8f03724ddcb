"""What a clave programática names in a program: a node (subprograma, proyecto…) first,
else an activity — whose budget lines belong to the activity and its node. The one rule,
for the import and the adecuaciones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rumbo.programs.models import Activity, AnnualProgram, ProgramNode


@dataclass(frozen=True)
class Target:
    node: ProgramNode
    activity: Activity | None

    @property
    def ids(self) -> tuple[int, int | None]:
        return self.node.pk, self.activity.pk if self.activity else None

    @property
    def key(self) -> str:
        return self.activity.key if self.activity else self.node.key


def resolve_keys(program: AnnualProgram, keys: Iterable[str]) -> dict[str, Target]:
    """The node (or activity) of each key the program has (two queries); unknown keys are
    absent."""
    wanted = set(keys)
    nodes = {n.key: n for n in ProgramNode.objects.filter(program=program, key__in=wanted)}
    targets = {key: Target(node, None) for key, node in nodes.items()}
    for activity in Activity.objects.filter(program=program, key__in=wanted).select_related("node"):
        targets.setdefault(activity.key, Target(activity.node, activity))
    return targets
