'use client';

import { useEffect, useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import { patchTicket, type PatchTicketResult } from '@/lib/actions/tickets';
import { TICKET_PRIORITY, TICKET_SEVERITY, type MefLabel } from '@/lib/domain/mef-labels';
import type { Availability } from '@/lib/domain/ticket-actions';
import { type TicketRevision } from '@/lib/domain/ticket-revision';
import { AttachmentInputs, attachmentPayload, type AttachmentDraft } from './attachment-inputs';
import { ContactPicker, type ContactOption } from './contact-picker';
import { RelatedIssueInputs, newRelatedIssue, type RelatedIssueDraft } from './related-issue-inputs';
import { SnippetPicker, type SnippetOption } from './snippet-picker';
import { insertSnippet } from '@/lib/domain/ticket-templates';
import { TicketChangedNotice } from './ticket-changed-notice';
import { useWritingSignal } from './ticket-presence';
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
  revision,
  revisionSeq,
}: {
  ticketId: number;
  seller: string;
  routeId: string;
  current: PatchCurrent;
  contacts: ContactOption[];
  availability: Availability;
  maxBytes: number;
  snippets?: SnippetOption[];
  /** The ticket's revision this render shows; the form keeps the one it was opened on until its update is sent. */
  revision: TicketRevision;
  /** The change-feed position the page was rendered at: a revision from an older render is not newer news. */
  revisionSeq: number;
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
  // The revision the operator's update is written against, and the newer one the server refused it for.
  const [opened, setOpened] = useState({ revision, seq: revisionSeq });
  const base = opened.revision;
  const setBase = (next: TicketRevision, seq: number) => setOpened({ revision: next, seq });
  const [staleAgainst, setStaleAgainst] = useState<{ revision: TicketRevision; seq: number } | null>(null);
  const [touched, setTouched] = useState(false);
  const writing = useWritingSignal(ticketId);
  const touch =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      setTouched(true);
      set(value);
    };

  function resetTo(values: PatchCurrent) {
    setNote('');
    setSeverity(values.severity);
    setPriority(values.priority);
    setIssueStartDate(values.issueStartDate ? values.issueStartDate.slice(0, 16) : '');
    setAttachments([]);
    setEditRelated(false);
    setRelated(values.buyerRelated.map((r) => newRelatedIssue(r)));
    setContactIds(values.technicalContactIds);
    setTouched(false);
  }

  // A form nobody has written in follows the ticket; one with an update in progress keeps its revision and says
  // that the ticket changed.
  const newerRender = revisionSeq >= opened.seq && revision.fingerprint !== base.fingerprint;
  useEffect(() => {
    if (touched || note !== '' || attachments.length > 0 || staleAgainst || pending || !newerRender) return;
    setBase(revision, revisionSeq);
    resetTo(current);
  }, [revision.fingerprint, revisionSeq, touched, note, attachments.length, staleAgainst, pending]);

  const issueChanged = !!issueStartDate && issueStartDate !== (current.issueStartDate ? current.issueStartDate.slice(0, 16) : '');
  const needsNote = severity !== current.severity || priority !== current.priority || issueChanged || editRelated;
  const contactsChanged = [...contactIds].sort().join(',') !== [...current.technicalContactIds].sort().join(',');

  if (!availability.allowed) {
    return <p className="text-sm text-fg-muted">{availability.reason}</p>;
  }

  function submit(expected: TicketRevision = base) {
    if (attachments.some((a) => a.uploading)) return setMessage('Wait for the uploads to finish.');
    start(async () => {
      const result = await patchTicket({
        ticketId,
        expectedRevision: expected.fingerprint,
        note,
        attachments: attachmentPayload(attachments),
        severity,
        priority,
        ...(issueChanged ? { issueStartDate: toIso(issueStartDate) } : {}),
        ...(editRelated ? { relatedIssues: related.map(({ key: _k, ...r }) => r) } : {}),
        ...(contactsChanged ? { technicalContactIds: contactIds } : {}),
      });
      const data = result.data as PatchTicketResult | undefined;
      if (data?.stale && data.revision) {
        setStaleAgainst({ revision: data.revision, seq: data.revisionSeq ?? revisionSeq });
        setErrors({});
        setMessage(null);
        refresh();
        return;
      }
      if (result.ok) {
        if (data?.delivery === 'queued') toast.show({ title: 'Queued — will be sent', description: result.message, tone: 'warning' });
        else toast.success(result.message ?? 'Updated');
        setNote('');
        setAttachments([]);
        setErrors({});
        setMessage(null);
        setEditRelated(false);
        setTouched(false);
        setStaleAgainst(null);
        if (data?.revision) setBase(data.revision, data.revisionSeq ?? revisionSeq);
        else setBase(revision, revisionSeq);
        writing.stopped();
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
      {staleAgainst || newerRender ? (
        <TicketChangedNotice
          before={base}
          after={staleAgainst?.revision ?? revision}
          refused={!!staleAgainst}
          pending={pending}
          onSendAgain={() => {
            const now = staleAgainst ?? { revision, seq: revisionSeq };
            setBase(now.revision, now.seq);
            setStaleAgainst(null);
            submit(now.revision);
          }}
          onDiscard={() => {
            // The page's own render follows; an untouched form takes it up from there.
            setBase(revision, revisionSeq);
            setStaleAgainst(null);
            setErrors({});
            setMessage(null);
            resetTo(current);
            writing.stopped();
          }}
        />
      ) : null}
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
        <Textarea
          ref={noteRef}
          value={note}
          onChange={(e) => {
            setTouched(true);
            setNote(e.target.value);
            if (e.target.value) writing.typing();
            else writing.stopped();
          }}
          rows={3}
        />
      </Field>
      <SnippetPicker
        snippets={snippets}
        onInsert={(text) => {
          const area = noteRef.current;
          const at = area && area.value === note ? area.selectionEnd : null;
          const next = insertSnippet(note, text, at);
          setTouched(true);
          setNote(next.text);
          writing.typing();
          requestAnimationFrame(() => {
            noteRef.current?.focus();
            noteRef.current?.setSelectionRange(next.caret, next.caret);
          });
        }}
      />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Severity" error={errors.severity}>
          <Select value={severity} onChange={(e) => touch(setSeverity)(e.target.value)} options={options(TICKET_SEVERITY)} />
        </Field>
        <Field label="Priority" error={errors.priority}>
          <Select value={priority} onChange={(e) => touch(setPriority)(e.target.value)} options={options(TICKET_PRIORITY)} />
        </Field>
        <Field label="Issue Start Date" error={errors.issueStartDate}>
          <Input type="datetime-local" value={issueStartDate} onChange={(e) => touch(setIssueStartDate)(e.target.value)} />
        </Field>
      </div>
      <AttachmentInputs value={attachments} onChange={touch(setAttachments)} maxBytes={maxBytes} errors={errors} />
      {editRelated ? (
        <RelatedIssueInputs value={related} onChange={touch(setRelated)} errors={errors} />
      ) : (
        <div>
          <Button size="sm" onClick={() => touch(setEditRelated)(true)}>
            Change our related objects
          </Button>
          {errors.relatedIssues ? <p className="text-xs text-danger-fg">{errors.relatedIssues.join(' ')}</p> : null}
        </div>
      )}
      <ContactPicker contacts={contacts} value={contactIds} onChange={touch(setContactIds)} error={errors.technicalContactIds} />
      <div>
        <Button type="submit" variant="primary" loading={pending}>
          Send update
        </Button>
      </div>
    </form>
  );
}
