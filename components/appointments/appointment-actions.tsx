'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import { cancelAppointment, updateAppointmentDetails } from '@/lib/actions/appointments';
import type { ActionState } from '@/lib/actions/authorized-action';
import { AttachmentPicker, type AttachmentDraft } from './attachment-picker';
import { ContactFields, type ContactValue } from './contact-fields';

export interface AppointmentActionsProps {
  seller: string;
  id: string;
  /** Why the user may not change appointments at all (role), or null. */
  roleBlock: string | null;
  /** Why this appointment cannot be changed / cancelled now (status), or null. */
  patchBlock: string | null;
  cancelBlock: string | null;
  period: string;
  buyerContact: ContactValue;
  placeContact: ContactValue;
}

export function AppointmentActions(props: AppointmentActionsProps) {
  const router = useRouter();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const patchBlock = props.roleBlock ?? props.patchBlock;
  const cancelBlock = props.roleBlock ?? props.cancelBlock;

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {patchBlock ? (
          <Button disabled title={patchBlock}>
            Reschedule
          </Button>
        ) : (
          <Link href={`/appointments/${props.seller}/${props.id}/reschedule`} className={buttonClasses({ variant: 'primary' })}>
            Reschedule
          </Link>
        )}
        <Button disabled={!!patchBlock} title={patchBlock ?? undefined} onClick={() => setEditing(true)}>
          Contacts, notes, attachments
        </Button>
        <Button variant="danger" disabled={!!cancelBlock} title={cancelBlock ?? undefined} onClick={() => setConfirming(true)}>
          Cancel appointment
        </Button>
      </div>
      {patchBlock || cancelBlock ? <p className="text-xs text-fg-muted">{[...new Set([patchBlock, cancelBlock].filter(Boolean))].join(' ')}</p> : null}
      {cancelError ? (
        <Alert tone="danger" live>
          {cancelError}
        </Alert>
      ) : null}

      <ConfirmDialog
        open={confirming}
        tone="danger"
        title="Cancel this appointment?"
        description={`The visit on ${props.period} will be cancelled. The Seller will need a new appointment for the work order; this cannot be undone.`}
        confirmLabel="Cancel appointment"
        cancelLabel="Keep it"
        onCancel={() => setConfirming(false)}
        onConfirm={async () => {
          const res = await cancelAppointment({ seller: props.seller, id: props.id });
          setConfirming(false);
          if (res.ok) {
            toast.success('Appointment cancelled', res.message);
            setCancelError(null);
          } else {
            setCancelError(res.message ?? 'The appointment could not be cancelled.');
          }
          router.refresh();
        }}
      />
      {editing ? (
        <DetailsDialog {...props} onClose={() => setEditing(false)} onSaved={(message) => { setEditing(false); toast.success(message); router.refresh(); }} />
      ) : null}
    </div>
  );
}

function DetailsDialog(props: AppointmentActionsProps & { onClose: () => void; onSaved: (message: string) => void }) {
  const [buyerContact, setBuyerContact] = useState(props.buyerContact);
  const [placeContact, setPlaceContact] = useState(props.placeContact);
  const [note, setNote] = useState('');
  const [attachments, setAttachments] = useState<AttachmentDraft[]>([]);
  const [state, setState] = useState<ActionState | null>(null);
  const [busy, setBusy] = useState(false);
  const same = (a: ContactValue, b: ContactValue) => a.name === b.name && a.number === b.number && a.emailAddress === b.emailAddress && a.organization === b.organization;

  async function save() {
    setBusy(true);
    try {
      const res = await updateAppointmentDetails({
        seller: props.seller,
        id: props.id,
        ...(same(buyerContact, props.buyerContact) ? {} : { buyerContact }),
        ...(same(placeContact, props.placeContact) ? {} : { placeContact }),
        note,
        attachments,
      });
      if (res.ok) return props.onSaved(res.message ?? 'Appointment updated');
      setState(res);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      size="lg"
      onClose={props.onClose}
      dismissible={!busy}
      title="Contacts, notes and attachments"
      description="Notes and attachments are added to those already there; they cannot be changed or removed afterwards."
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose} disabled={busy}>
            Close
          </Button>
          <Button variant="primary" onClick={save} loading={busy}>
            Send to the Seller
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-4">
        {state && !state.ok ? (
          <Alert tone="danger" live>
            {state.message}
            {state.errors?.contacts ? ` ${state.errors.contacts.join(' ')}` : ''}
          </Alert>
        ) : null}
        <ContactFields legend="Your appointment contact" prefix="buyerContact" value={buyerContact} onChange={setBuyerContact} errors={state?.errors} />
        <ContactFields legend="Contact on site" prefix="placeContact" value={placeContact} onChange={setPlaceContact} errors={state?.errors} />
        <Field label="New note" optional error={state?.errors?.note}>
          <Textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
        </Field>
        <AttachmentPicker value={attachments} onChange={setAttachments} error={state?.errors?.attachments} />
      </div>
    </Dialog>
  );
}
