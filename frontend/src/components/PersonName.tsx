// A person as every list shows them: the name, then a secondary detail (role and department)
// that tells two people of the same name apart, and their email on hover. With `onOpen` the
// name opens the person's panel (their time off).

export function personDetail(...parts: (string | null | undefined)[]): string {
  return parts.filter(Boolean).join(" · ");
}

export function PersonName({
  name,
  detail,
  email,
  onOpen,
}: {
  name: string;
  detail?: string;
  email?: string | null;
  onOpen?: () => void;
}) {
  return (
    <span className="who-is" title={email ?? undefined}>
      {onOpen ? (
        <button className="link person-name" onClick={onOpen} aria-haspopup="dialog">
          {name}
        </button>
      ) : (
        <span className="person-name">{name}</span>
      )}
      {detail ? <small className="person-detail">{detail}</small> : null}
    </span>
  );
}
