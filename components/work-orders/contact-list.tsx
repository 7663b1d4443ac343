import { CONTACT_ROLE } from '@/lib/domain/mef-labels';

type Contact = { name: string; number: string; emailAddress: string; organization?: string; role: string; numberExtension?: string };

export function roleLabel(role: string): string {
  return (CONTACT_ROLE as Record<string, { label: string }>)[role]?.label ?? role;
}

export function ContactList({ contacts, empty = 'No contact given.' }: { contacts: readonly Contact[]; empty?: string }) {
  if (contacts.length === 0) return <p className="text-sm text-fg-muted">{empty}</p>;
  return (
    <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      {contacts.map((c, i) => (
        <li key={`${c.role}-${i}`} className="rounded-md border border-border px-3 py-2 text-sm" data-role={c.role}>
          <p className="text-xs font-medium text-fg-muted">{roleLabel(c.role)}</p>
          <p className="font-medium">{c.name}</p>
          {c.organization ? <p className="text-fg-muted">{c.organization}</p> : null}
          <p>
            <a href={`tel:${c.number}`} className="text-accent hover:underline">
              {c.number}
            </a>
            {c.numberExtension ? ` ext. ${c.numberExtension}` : ''}
          </p>
          <p>
            <a href={`mailto:${c.emailAddress}`} className="text-accent hover:underline">
              {c.emailAddress}
            </a>
          </p>
        </li>
      ))}
    </ul>
  );
}

type Note = { id: string; author: string; date: string; source: string; text: string };

export function NoteList({ notes }: { notes: readonly Note[] }) {
  if (notes.length === 0) return <p className="text-sm text-fg-muted">No notes.</p>;
  return (
    <ul className="flex flex-col gap-2">
      {[...notes]
        .sort((a, b) => a.date.localeCompare(b.date))
        .map((n) => (
          <li key={n.id} className="rounded-md border border-border px-3 py-2 text-sm">
            <p className="text-xs text-fg-muted">
              {n.author} · {n.source === 'buyer' ? 'You' : 'Seller'} · {new Date(n.date).toISOString().replace('T', ' ').slice(0, 16)} UTC
            </p>
            <p className="whitespace-pre-wrap">{n.text}</p>
          </li>
        ))}
    </ul>
  );
}
