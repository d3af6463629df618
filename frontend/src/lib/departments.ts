// Departments as an indented list for <select>: parents before their children.
export type Dept = { id: string; name: string; parent?: { id: string } | null };
export type DeptOption = { id: string; label: string; depth: number };

export function departmentOptions(departments: readonly Dept[]): DeptOption[] {
  const children = new Map<string | null, Dept[]>();
  for (const d of departments) {
    const key = d.parent?.id ?? null;
    children.set(key, [...(children.get(key) ?? []), d]);
  }
  const known = new Set(departments.map((d) => d.id));
  const roots = departments.filter((d) => !d.parent || !known.has(d.parent.id));
  const out: DeptOption[] = [];
  const walk = (d: Dept, depth: number) => {
    out.push({ id: d.id, label: `${"\u00a0\u00a0".repeat(depth)}${d.name}`, depth });
    const kids = [...(children.get(d.id) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    for (const child of kids) walk(child, depth + 1);
  };
  for (const root of [...roots].sort((a, b) => a.name.localeCompare(b.name))) walk(root, 0);
  return out;
}
