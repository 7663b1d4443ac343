'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import { OpenIncidentNotice } from '@/components/incidents/open-incident-notice';
import { createTicket } from '@/lib/actions/tickets';
import { OBSERVED_IMPACT, TICKET_PRIORITY, TICKET_SEVERITY, TICKET_TYPE, type MefLabel } from '@/lib/domain/mef-labels';
import { createTicketSchema } from '@/lib/domain/ticket-forms';
import { applyTemplate, clearTemplate, type TemplateContactValue, type TemplateFill, type TemplateValues } from '@/lib/domain/ticket-templates';
import { AttachmentInputs, attachmentPayload, type AttachmentDraft } from './attachment-inputs';
import { ContactPicker, type ContactOption } from './contact-picker';
import { RelatedIssueInputs, newRelatedIssue, type RelatedIssueDraft } from './related-issue-inputs';
import { TemplatePicker, type TemplateOption, type TemplateOutcome } from './template-picker';

export interface SellerOption {
  slug: string;
  name: string;
  products: { productId: string; label: string; siteName: string }[];
}

export interface CreateTicketInitial {
  seller: string;
  productId: string;
  description: string;
  severity: string;
  priority: string;
  observedImpact: string;
  ticketType: string;
  issueStartDate: string;
  reporter: { name: string; number: string; numberExtension: string; emailAddress: string; organization: string };
  technicalContactIds: number[];
  /** Buyer Technical Contacts not in the contact book (from a template). */
  technicalContacts?: TemplateContactValue[];
  note: string;
  relatedIssues: Omit<RelatedIssueDraft, 'key'>[];
  draft?: { ticketId: number; externalId: string; lastError: string | null };
}

const options = (table: Record<string, MefLabel>) => Object.entries(table).map(([value, l]) => ({ value, label: `${l.label}${l.mef113 ? ` (${l.mef113})` : ''}` }));

/** datetime-local value (browser's wall time) → ISO instant. */
function toIso(local: string): string {
  if (!local) return '';
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? local : t.toISOString();
}

export function CreateTicketForm({
  sellers,
  contacts,
  initial,
  maxBytes,
  templates = [],
  manageTemplatesHref,
}: {
  sellers: SellerOption[];
  contacts: ContactOption[];
  initial: CreateTicketInitial;
  maxBytes: number;
  templates?: TemplateOption[];
  manageTemplatesHref?: string;
}) {
  const router = useRouter();
  const toast = useToast();
  const [pending, start] = useTransition();
  const [seller, setSeller] = useState(initial.seller);
  const [productId, setProductId] = useState(initial.productId);
  const [description, setDescription] = useState(initial.description);
  const [severity, setSeverity] = useState(initial.severity);
  const [priority, setPriority] = useState(initial.priority);
  const [observedImpact, setObservedImpact] = useState(initial.observedImpact);
  const [ticketType, setTicketType] = useState(initial.ticketType);
  const [issueStartDate, setIssueStartDate] = useState(initial.issueStartDate);
  const [reporter, setReporter] = useState(initial.reporter);
  const [technicalContactIds, setTechnicalContactIds] = useState(initial.technicalContactIds);
  const [note, setNote] = useState(initial.note);
  const [attachments, setAttachments] = useState<AttachmentDraft[]>([]);
  const [relatedIssues, setRelatedIssues] = useState<RelatedIssueDraft[]>(initial.relatedIssues.map((r) => newRelatedIssue(r)));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: 'danger' | 'warning'; text: string } | null>(
    initial.draft?.lastError ? { tone: 'danger', text: `The Seller refused this draft: ${initial.draft.lastError}` } : null,
  );
  const [draftTicketId, setDraftTicketId] = useState<number | undefined>(initial.draft?.ticketId);
  const [templateContacts, setTemplateContacts] = useState<TemplateContactValue[]>(initial.technicalContacts ?? []);
  const [template, setTemplate] = useState<{ id: number | null; fill: TemplateFill; outcome: TemplateOutcome | null }>({ id: null, fill: {}, outcome: null });

  const templateValues = (): TemplateValues => ({ description, ticketType, severity, priority, observedImpact, note, contacts: templateContacts });
  function setTemplateValues(v: TemplateValues) {
    setDescription(v.description);
    setTicketType(v.ticketType);
    setSeverity(v.severity);
    setPriority(v.priority);
    setObservedImpact(v.observedImpact);
    setNote(v.note);
    setTemplateContacts(v.contacts);
  }
  function chooseTemplate(option: TemplateOption) {
    const applied = applyTemplate(templateValues(), template.fill, option.values);
    setTemplateValues(applied.form);
    setTemplate({
      id: option.id,
      fill: applied.fill,
      outcome: { kind: 'applied', name: option.name, filled: Object.keys(applied.fill) as TemplateOutcome['filled'], untouched: applied.leftAlone },
    });
  }
  function clearChosenTemplate() {
    const name = templates.find((t) => t.id === template.id)?.name ?? '';
    const cleared = clearTemplate(templateValues(), template.fill);
    setTemplateValues(cleared.form);
    setTemplate({ id: null, fill: {}, outcome: name ? { kind: 'cleared', name, filled: [], untouched: cleared.kept } : null });
  }

  const products = useMemo(() => sellers.find((s) => s.slug === seller)?.products ?? [], [sellers, seller]);

  function payload() {
    return {
      seller,
      productId,
      description,
      severity,
      priority,
      observedImpact,
      ticketType,
      issueStartDate: toIso(issueStartDate),
      reporter,
      technicalContactIds,
      technicalContacts: templateContacts,
      note,
      attachments: attachmentPayload(attachments),
      relatedIssues: relatedIssues.map(({ key: _key, ...r }) => r),
      ...(draftTicketId ? { draftTicketId } : {}),
    };
  }

  function submit() {
    if (attachments.some((a) => a.uploading)) {
      setMessage({ tone: 'warning', text: 'Wait for the uploads to finish.' });
      return;
    }
    const input = payload();
    const check = createTicketSchema.safeParse(input);
    if (!check.success) {
      const next: Record<string, string[]> = {};
      for (const issue of check.error.issues) (next[issue.path.join('.') || '_form'] ??= []).push(issue.message);
      setErrors(next);
      setMessage({ tone: 'danger', text: 'Some fields need your attention.' });
      return;
    }
    start(async () => {
      const result = await createTicket(input);
      if (result.ok && result.data) {
        if (result.data.delivery === 'sent') toast.success(result.message ?? 'Ticket created');
        else toast.show({ title: `Ticket ${result.data.externalId} queued`, description: result.message, tone: 'warning' });
        router.push(result.data.path);
        return;
      }
      setErrors(result.errors ?? {});
      if (result.data?.delivery === 'rejected') setDraftTicketId(result.data.ticketId);
      setMessage({ tone: 'danger', text: result.message ?? 'The ticket could not be created.' });
    });
  }

  const err = (k: string) => errors[k];

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      className="flex max-w-4xl flex-col gap-5"
      aria-label="New trouble ticket"
    >
      {message ? (
        <Alert tone={message.tone} live title={message.text}>
          {errors._form?.length ? <ul className="list-disc pl-5">{errors._form.map((m) => <li key={m}>{m}</li>)}</ul> : null}
          {draftTicketId ? <p className="mt-1 text-xs">Fix the fields and submit again: the draft is resent under the same ticket id.</p> : null}
        </Alert>
      ) : null}

      <Card title="Where is the problem?">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Seller" required error={err('seller')}>
            <Select
              value={seller}
              placeholder="Choose a Seller…"
              disabled={!!draftTicketId}
              onChange={(e) => {
                setSeller(e.target.value);
                setProductId('');
              }}
              options={sellers.map((s) => ({ value: s.slug, label: s.name }))}
            />
          </Field>
          <Field label="Product Identifier" required error={err('productId')} hint={seller ? undefined : 'Choose the Seller first'}>
            <Select
              value={productId}
              placeholder={seller ? 'Choose one of our products…' : '—'}
              disabled={!seller}
              onChange={(e) => setProductId(e.target.value)}
              options={products.map((p) => ({ value: p.productId, label: `${p.label} — ${p.productId}${p.siteName ? ` (${p.siteName})` : ''}` }))}
            />
          </Field>
        </div>
        <div className="mt-4 empty:hidden">
          <OpenIncidentNotice
            seller={seller}
            productId={productId}
            relatedIds={relatedIssues.filter((r) => r.referredType === 'Incident').map((r) => r.id)}
            onRelate={(i) => setRelatedIssues((list) => [...list, newRelatedIssue({ referredType: 'Incident', id: i.id, relationshipType: 'relatesTo', description: 'The issue appears related to this Seller incident' })])}
          />
        </div>
      </Card>

      {templates.length || manageTemplatesHref ? (
        <Card title="Start from a template">
          <TemplatePicker
            templates={templates}
            seller={seller}
            productId={productId}
            chosen={template.id}
            outcome={template.outcome}
            onChoose={chooseTemplate}
            onClear={clearChosenTemplate}
            manageHref={manageTemplatesHref}
          />
        </Card>
      ) : null}

      <Card title="The issue">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Description" required error={err('description')} className="sm:col-span-2">
            <Textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={4} maxLength={2000} />
          </Field>
          <Field label="Severity" required error={err('severity')}>
            <Select value={severity} placeholder="Choose…" onChange={(e) => setSeverity(e.target.value)} options={options(TICKET_SEVERITY)} />
          </Field>
          <Field label="Priority" required error={err('priority')}>
            <Select value={priority} placeholder="Choose…" onChange={(e) => setPriority(e.target.value)} options={options(TICKET_PRIORITY)} />
          </Field>
          <Field label="Observed Impact" required error={err('observedImpact')}>
            <Select value={observedImpact} placeholder="Choose…" onChange={(e) => setObservedImpact(e.target.value)} options={options(OBSERVED_IMPACT)} />
          </Field>
          <Field label="Type" required error={err('ticketType')}>
            <Select value={ticketType} placeholder="Choose…" onChange={(e) => setTicketType(e.target.value)} options={options(TICKET_TYPE)} />
          </Field>
          <Field label="Issue Start Date" optional error={err('issueStartDate')} hint="When you first observed the issue (your local time)">
            <Input type="datetime-local" value={issueStartDate} onChange={(e) => setIssueStartDate(e.target.value)} />
          </Field>
        </div>
      </Card>

      <Card title="Contacts">
        <div className="flex flex-col gap-4">
          <fieldset className="grid gap-3 sm:grid-cols-3">
            <legend className="mb-1 text-[13px] font-medium">Reporter Contact</legend>
            <Field label="Contact Name" required error={err('reporter.name')}>
              <Input value={reporter.name} onChange={(e) => setReporter({ ...reporter, name: e.target.value })} />
            </Field>
            <Field label="Contact Phone Number" required error={err('reporter.number')}>
              <Input type="tel" value={reporter.number} onChange={(e) => setReporter({ ...reporter, number: e.target.value })} />
            </Field>
            <Field label="Contact Email Address" required error={err('reporter.emailAddress')}>
              <Input type="email" value={reporter.emailAddress} onChange={(e) => setReporter({ ...reporter, emailAddress: e.target.value })} />
            </Field>
            <Field label="Contact Phone Number Extension" optional error={err('reporter.numberExtension')}>
              <Input value={reporter.numberExtension} onChange={(e) => setReporter({ ...reporter, numberExtension: e.target.value })} />
            </Field>
            <Field label="Contact Organization" optional error={err('reporter.organization')}>
              <Input value={reporter.organization} onChange={(e) => setReporter({ ...reporter, organization: e.target.value })} />
            </Field>
          </fieldset>
          <ContactPicker contacts={contacts} value={technicalContactIds} onChange={setTechnicalContactIds} error={err('technicalContactIds')} />
          {templateContacts.length ? (
            <ul aria-label="Buyer Technical Contacts from the template" className="flex flex-col gap-1 text-xs">
              {templateContacts.map((c, i) => (
                <li key={`${c.emailAddress}-${i}`} className="flex items-center justify-between gap-2 rounded-md border border-border px-2 py-1.5">
                  <span>
                    <span className="font-medium text-fg">{c.name}</span>
                    <span className="text-fg-muted">
                      {' '}
                      · {c.emailAddress} · {c.number}
                      {c.organization ? ` · ${c.organization}` : ''}
                    </span>
                  </span>
                  <Button size="sm" variant="ghost" onClick={() => setTemplateContacts(templateContacts.filter((_, j) => j !== i))}>
                    Remove {c.name}
                  </Button>
                </li>
              ))}
            </ul>
          ) : null}
          {err('technicalContacts') ? <p className="text-xs font-medium text-danger-fg">{err('technicalContacts')!.join(' ')}</p> : null}
        </div>
      </Card>

      <Card title="Notes, attachments and related objects">
        <div className="flex flex-col gap-5">
          <Field label="Notes" optional error={err('note')} hint="Sent as a Buyer note with your name">
            <Textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
          </Field>
          <AttachmentInputs value={attachments} onChange={setAttachments} maxBytes={maxBytes} errors={errors} />
          <RelatedIssueInputs value={relatedIssues} onChange={setRelatedIssues} errors={errors} />
        </div>
      </Card>

      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={pending}>
          {draftTicketId ? `Resend ${initial.draft?.externalId ?? 'draft'}` : 'Create ticket'}
        </Button>
        <Button variant="ghost" onClick={() => router.back()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
