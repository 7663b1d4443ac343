'use client';

export interface ContactOption {
  id: number;
  name: string;
  emailAddress: string;
  number: string;
  organization: string | null;
}

/** Buyer Technical Contacts chosen from the contact book. */
export function ContactPicker({
  contacts,
  value,
  onChange,
  error,
}: {
  contacts: ContactOption[];
  value: number[];
  onChange: (ids: number[]) => void;
  error?: string[];
}) {
  return (
    <fieldset className="flex flex-col gap-1.5" aria-describedby={error ? 'technical-contacts-error' : undefined}>
      <legend className="mb-1 text-[13px] font-medium">
        Buyer Technical Contacts <span className="font-normal text-fg-subtle">(from the contact book)</span>
      </legend>
      {contacts.length === 0 ? (
        <p className="text-xs text-fg-muted">
          The contact book is empty. <a className="text-accent underline" href="/tickets/contacts">Add contacts</a>.
        </p>
      ) : (
        <div className="grid gap-1 sm:grid-cols-2">
          {contacts.map((c) => (
            <label key={c.id} className="flex items-start gap-2 rounded-md border border-border px-2 py-1.5 text-xs">
              <input
                type="checkbox"
                checked={value.includes(c.id)}
                onChange={(e) => onChange(e.target.checked ? [...value, c.id] : value.filter((id) => id !== c.id))}
              />
              <span>
                <span className="font-medium text-fg">{c.name}</span>
                <span className="block text-fg-muted">
                  {c.emailAddress} · {c.number}
                  {c.organization ? ` · ${c.organization}` : ''}
                </span>
              </span>
            </label>
          ))}
        </div>
      )}
      {error?.length ? (
        <p id="technical-contacts-error" className="text-xs font-medium text-danger-fg">
          {error.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}
