'use client';

import { useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import { patchTicket, type TicketActionResult } from '@/lib/actions/tickets';
import { TICKET_PRIORITY, TICKET_SEVERITY, type MefLabel } from '@/lib/domain/mef-labels';
import type { Availability } from '@/lib/domain/ticket-actions';
import { AttachmentInputs, attachmentPayload, type AttachmentDraft } from './attachment-inputs';
import { ContactPicker, type ContactOption } from './contact-picker';
import { RelatedIssueInputs, newRelatedIssue, type RelatedIssueDraft } from './related-issue-inputs';
import { SnippetPicker, type SnippetOption } from './snippet-picker';
import { insertSnippet } from '@/lib/domain/ticket-templates';
import { useTicketRefresh } from './use-ticket-refresh';

const options = (table: Record<string, MefLabel>) => Object.entries(table).map(([value, l]) => ({ value, label: `${l.label} (${l.mef113})` }));

export interface PatchCurrent {
  severity: string;
  priority: string;
  /** ISO instant or ''. */
  issueStartDate: string;
  buyerRelated: Omit<RelatedIssueDraft, 'key'>[];
  technicalContactIds: number[];
}

function toIso(local: string): string {
  if (!local) return '';
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? local : t.toISOString();
}

/** MEF 113 UC4: add a note or attachment, change severity/priority/issue start/related objects (with a note, R42),
 * replace the Buyer Technical Contacts. */
export function PatchTicketForm({
  ticketId,
  seller,
  routeId,
  current,
  contacts,
  availability,
  maxBytes,
  snippets = [],
}: {
  ticketId: number;
  seller: string;
  routeId: string;
  current: PatchCurrent;
  contacts: ContactOption[];
  availability: Availability;
  maxBytes: number;
  snippets?: SnippetOption[];
}) {
  const toast = useToast();
  const refresh = useTicketRefresh(seller, routeId);
  const [pending, start] = useTransition();
  const [note, setNote] = useState('');
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [severity, setSeverity] = useState(current.severity);
  const [priority, setPriority] = useState(current.priority);
  const [issueStartDate, setIssueStartDate] = useState(current.issueStartDate ? current.issueStartDate.slice(0, 16) : '');
  const [attachments, setAttachments] = useState<AttachmentDraft[]>([]);
  const [editRelated, setEditRelated] = useState(false);
  const [related, setRelated] = useState<RelatedIssueDraft[]>(current.buyerRelated.map((r) => newRelatedIssue(r)));
  const [contactIds, setContactIds] = useState(current.technicalContactIds);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);

  const issueChanged = !!issueStartDate && issueStartDate !== (current.issueStartDate ? current.issueStartDate.slice(0, 16) : '');
  const needsNote = severity !== current.severity || priority !== current.priority || issueChanged || editRelated;
  const contactsChanged = [...contactIds].sort().join(',') !== [...current.technicalContactIds].sort().join(',');

  if (!availability.allowed) {
    return <p className="text-sm text-fg-muted">{availability.reason}</p>;
  }

  function submit() {
    if (attachments.some((a) => a.uploading)) return setMessage('Wait for the uploads to finish.');
    start(async () => {
      const result = await patchTicket({
        ticketId,
        note,
        attachments: attachmentPayload(attachments),
        severity,
        priority,
        ...(issueChanged ? { issueStartDate: toIso(issueStartDate) } : {}),
        ...(editRelated ? { relatedIssues: related.map(({ key: _k, ...r }) => r) } : {}),
        ...(contactsChanged ? { technicalContactIds: contactIds } : {}),
      });
      const data = result.data as TicketActionResult | undefined;
      if (result.ok) {
        if (data?.delivery === 'queued') toast.show({ title: 'Queued — will be sent', description: result.message, tone: 'warning' });
        else toast.success(result.message ?? 'Updated');
        setNote('');
        setAttachments([]);
        setErrors({});
        setMessage(null);
        setEditRelated(false);
        refresh();
        return;
      }
      setErrors(result.errors ?? {});
      setMessage(result.message ?? 'Not sent');
      if (data?.delivery === 'rejected') refresh();
    });
  }

  return (
    <form
      noValidate
      aria-label="Update the ticket"
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {message ? (
        <Alert tone="danger" live title={message}>
          {errors._form?.length ? errors._form.join(' ') : null}
        </Alert>
      ) : null}
      <Field
        label="Note"
        required={needsNote}
        optional={!needsNote}
        error={errors.note}
        hint={needsNote ? 'A note explaining the change is required (MEF 113 R42)' : 'Added to the ticket as a Buyer note'}
      >
        <Textarea ref={noteRef} value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
      </Field>
      <SnippetPicker
        snippets={snippets}
        onInsert={(text) => {
          const area = noteRef.current;
          const at = area && area.value === note ? area.selectionEnd : null;
          const next = insertSnippet(note, text, at);
          setNote(next.text);
          requestAnimationFrame(() => {
            noteRef.current?.focus();
            noteRef.current?.setSelectionRange(next.caret, next.caret);
          });
        }}
      />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Severity" error={errors.severity}>
          <Select value={severity} onChange={(e) => setSeverity(e.target.value)} options={options(TICKET_SEVERITY)} />
        </Field>
        <Field label="Priority" error={errors.priority}>
          <Select value={priority} onChange={(e) => setPriority(e.target.value)} options={options(TICKET_PRIORITY)} />
        </Field>
        <Field label="Issue Start Date" error={errors.issueStartDate}>
          <Input type="datetime-local" value={issueStartDate} onChange={(e) => setIssueStartDate(e.target.value)} />
        </Field>
      </div>
      <AttachmentInputs value={attachments} onChange={setAttachments} maxBytes={maxBytes} errors={errors} />
      {editRelated ? (
        <RelatedIssueInputs value={related} onChange={setRelated} errors={errors} />
      ) : (
        <div>
          <Button size="sm" onClick={() => setEditRelated(true)}>
            Change our related objects
          </Button>
          {errors.relatedIssues ? <p className="text-xs text-danger-fg">{errors.relatedIssues.join(' ')}</p> : null}
        </div>
      )}
      <ContactPicker contacts={contacts} value={contactIds} onChange={setContactIds} error={errors.technicalContactIds} />
      <div>
        <Button type="submit" variant="primary" loading={pending}>
          Send update
        </Button>
      </div>
    </form>
  );
}
