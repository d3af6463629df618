"""The department tree, loaded whole: departments are few, so one query answers every
parent, child and descendant question of a request."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Department


@dataclass(slots=True)
class DepartmentTree:
    by_id: dict[int, Department]
    children: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "DepartmentTree":
        tree = cls(by_id={d.id: d for d in Department.objects.order_by("name", "id")})
        for dep in tree.by_id.values():
            if dep.parent_id is not None:
                tree.children.setdefault(dep.parent_id, []).append(dep.id)
        return tree

    def descendants(self, roots: Iterable[int]) -> set[int]:
        """The given departments and everything under them (cycles cannot loop)."""
        seen: set[int] = set()
        stack = [r for r in roots if r in self.by_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.children.get(current, ()))
        return seen

    def scope(self, department: int, include_children: bool) -> set[int]:
        """What a `department` / `includeChildren` filter names."""
        return self.descendants([department]) if include_children else {department}
