'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { createContact, deleteContact } from '@/lib/actions/contacts';
import type { ContactOption } from './contact-picker';

const EMPTY = { name: '', number: '', numberExtension: '', emailAddress: '', organization: '' };

export function ContactBook({ contacts, canEdit, whyNot }: { contacts: (ContactOption & { numberExtension: string | null })[]; canEdit: boolean; whyNot: string | null }) {
  const router = useRouter();
  const toast = useToast();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [pending, start] = useTransition();

  return (
    <div className="flex flex-col gap-6">
      <Table caption="Contact book">
        <TableHead>
          <tr>
            <TableHeaderCell>Contact Name</TableHeaderCell>
            <TableHeaderCell>Contact Email Address</TableHeaderCell>
            <TableHeaderCell>Contact Phone Number</TableHeaderCell>
            <TableHeaderCell>Contact Organization</TableHeaderCell>
            <TableHeaderCell />
          </tr>
        </TableHead>
        <TableBody>
          {contacts.map((c) => (
            <TableRow key={c.id}>
              <TableCell>{c.name}</TableCell>
              <TableCell>{c.emailAddress}</TableCell>
              <TableCell>
                {c.number}
                {c.numberExtension ? ` ext. ${c.numberExtension}` : ''}
              </TableCell>
              <TableCell>{c.organization}</TableCell>
              <TableCell align="right">
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={!canEdit}
                  title={whyNot ?? undefined}
                  onClick={() =>
                    start(async () => {
                      const r = await deleteContact({ contactId: c.id });
                      if (r.ok) router.refresh();
                      else toast.error(r.message ?? 'Could not remove');
                    })
                  }
                >
                  Remove
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {canEdit ? (
        <form
          className="grid max-w-3xl gap-3 sm:grid-cols-3"
          aria-label="Add a contact"
          onSubmit={(e) => {
            e.preventDefault();
            start(async () => {
              const r = await createContact(form);
              if (r.ok) {
                setForm(EMPTY);
                setErrors({});
                toast.success(r.message ?? 'Added');
                router.refresh();
              } else setErrors(r.errors ?? { _form: [r.message ?? 'Could not add'] });
            });
          }}
        >
          <Field label="Contact Name" required error={errors.name}>
            <Input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Contact Email Address" required error={errors.emailAddress}>
            <Input type="email" value={form.emailAddress} onChange={(e) => setForm({ ...form, emailAddress: e.target.value })} />
          </Field>
          <Field label="Contact Phone Number" required error={errors.number}>
            <Input type="tel" value={form.number} onChange={(e) => setForm({ ...form, number: e.target.value })} />
          </Field>
          <Field label="Contact Phone Number Extension" optional error={errors.numberExtension}>
            <Input value={form.numberExtension} onChange={(e) => setForm({ ...form, numberExtension: e.target.value })} />
          </Field>
          <Field label="Contact Organization" optional error={errors.organization}>
            <Input value={form.organization} onChange={(e) => setForm({ ...form, organization: e.target.value })} />
          </Field>
          <div className="flex items-end">
            <Button type="submit" variant="primary" loading={pending}>
              Add contact
            </Button>
          </div>
        </form>
      ) : (
        <p className="text-sm text-fg-muted">{whyNot}</p>
      )}
    </div>
  );
}
