// A person as every list shows them: the name, then a secondary detail (role and department)
// that tells two people of the same name apart, and their email on hover.

export function personDetail(...parts: (string | null | undefined)[]): string {
  return parts.filter(Boolean).join(" · ");
}

export function PersonName({
  name,
  detail,
  email,
}: {
  name: string;
  detail?: string;
  email?: string | null;
}) {
  return (
    <span className="who-is" title={email ?? undefined}>
      <span className="person-name">{name}</span>
      {detail ? <small className="person-detail">{detail}</small> : null}
    </span>
  );
}
