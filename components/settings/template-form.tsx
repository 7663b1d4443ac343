'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { ContactFields, EMPTY_CONTACT, type ContactValue } from '@/components/appointments/contact-fields';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import type { ActionState } from '@/lib/actions/authorized-action';
import { createTicketTemplate, updateTicketTemplate } from '@/lib/actions/ticket-templates';
import type { TemplateSellerOption, TicketTemplateView } from '@/lib/data/ticket-templates';
import { OBSERVED_IMPACT, TICKET_PRIORITY, TICKET_SEVERITY, TICKET_TYPE, type MefLabel } from '@/lib/domain/mef-labels';
import { FormStatus } from './form-status';

const options = (table: Record<string, MefLabel>) => Object.entries(table).map(([value, l]) => ({ value, label: `${l.label}${l.mef113 ? ` (${l.mef113})` : ''}` }));
const LEAVE = '— Left to the operator —';

/** Settings → Templates: one ticket template, new or edited. */
export function TemplateForm({ sellers, template }: { sellers: readonly TemplateSellerOption[]; template?: TicketTemplateView }) {
  const router = useRouter();
  const toast = useToast();
  const [pending, start] = useTransition();
  const [state, setState] = useState<ActionState<unknown>>({ ok: false });
  const v = template?.values;
  const [name, setName] = useState(template?.name ?? '');
  const [seller, setSeller] = useState(template?.seller ?? '');
  const [productId, setProductId] = useState(template?.productId ?? '');
  const [description, setDescription] = useState(v?.description ?? '');
  const [ticketType, setTicketType] = useState(v?.ticketType ?? '');
  const [severity, setSeverity] = useState(v?.severity ?? '');
  const [priority, setPriority] = useState(v?.priority ?? '');
  const [observedImpact, setObservedImpact] = useState(v?.observedImpact ?? '');
  const [note, setNote] = useState(v?.note ?? '');
  const [contacts, setContacts] = useState<ContactValue[]>(v?.contacts ?? []);

  const products = sellers.find((s) => s.slug === seller)?.products ?? [];
  const err = (k: string) => state.errors?.[k];

  function submit() {
    const input = { name, seller, productId, description, ticketType, severity, priority, observedImpact, note, contacts };
    start(async () => {
      const result = template ? await updateTicketTemplate({ ...input, id: template.id }) : await createTicketTemplate(input);
      setState(result);
      if (result.ok) {
        toast.success(result.message ?? 'Template saved.');
        router.push('/settings/templates');
      }
    });
  }

  return (
    <form
      noValidate
      aria-label={template ? `Template ${template.name}` : 'New ticket template'}
      className="flex max-w-3xl flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <FormStatus state={state} />
      {state.errors?._form ? <p className="text-sm font-medium text-danger-fg">{state.errors._form.join(' ')}</p> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Template name" required error={err('name')} className="sm:col-span-2" hint="Unique; operators choose it by this name.">
          <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={80} />
        </Field>
        <Field label="Seller" optional error={err('seller')} hint="Offered only when this Seller is chosen on the create form.">
          <Select
            value={seller}
            placeholder="Every Seller"
            onChange={(e) => {
              setSeller(e.target.value);
              setProductId('');
            }}
            options={sellers.map((s) => ({ value: s.slug, label: s.name }))}
          />
        </Field>
        <Field label="Product" optional error={err('productId')} hint={seller ? 'Offered only for this product.' : 'Choose the Seller first.'}>
          <Select
            value={productId}
            placeholder="Every product"
            disabled={!seller}
            onChange={(e) => setProductId(e.target.value)}
            options={products.map((p) => ({ value: p.productId, label: `${p.label} — ${p.productId}` }))}
          />
        </Field>
        <Field label="Description" optional error={err('description')} className="sm:col-span-2">
          <Textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={2000} />
        </Field>
        <Field label="Type" optional error={err('ticketType')}>
          <Select value={ticketType} placeholder={LEAVE} onChange={(e) => setTicketType(e.target.value)} options={options(TICKET_TYPE)} />
        </Field>
        <Field label="Severity" optional error={err('severity')}>
          <Select value={severity} placeholder={LEAVE} onChange={(e) => setSeverity(e.target.value)} options={options(TICKET_SEVERITY)} />
        </Field>
        <Field label="Priority" optional error={err('priority')}>
          <Select value={priority} placeholder={LEAVE} onChange={(e) => setPriority(e.target.value)} options={options(TICKET_PRIORITY)} />
        </Field>
        <Field label="Observed Impact" optional error={err('observedImpact')}>
          <Select value={observedImpact} placeholder={LEAVE} onChange={(e) => setObservedImpact(e.target.value)} options={options(OBSERVED_IMPACT)} />
        </Field>
        <Field label="Notes" optional error={err('note')} className="sm:col-span-2" hint="Sent as the ticket's first Buyer note.">
          <Textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={4000} />
        </Field>
      </div>
      <section aria-label="Buyer Technical Contacts" className="flex flex-col gap-3">
        <h2 className="text-sm font-semibold text-fg">Buyer Technical Contacts</h2>
        {err('contacts') ? <p className="text-xs font-medium text-danger-fg">{err('contacts')!.join(' ')}</p> : null}
        {contacts.map((c, i) => (
          <div key={i} className="rounded-md border border-border p-3">
            <ContactFields
              legend={`Contact ${i + 1}`}
              prefix={`contacts.${i}`}
              value={c}
              errors={state.errors}
              onChange={(next) => setContacts(contacts.map((old, j) => (j === i ? next : old)))}
            />
            <Button size="sm" variant="ghost" className="mt-2" onClick={() => setContacts(contacts.filter((_, j) => j !== i))}>
              Remove contact {i + 1}
            </Button>
          </div>
        ))}
        <div>
          <Button size="sm" onClick={() => setContacts([...contacts, { ...EMPTY_CONTACT }])}>
            Add a contact
          </Button>
        </div>
      </section>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={pending}>
          Save template
        </Button>
        <Button variant="ghost" onClick={() => router.push('/settings/templates')}>
          Back to templates
        </Button>
      </div>
    </form>
  );
}
