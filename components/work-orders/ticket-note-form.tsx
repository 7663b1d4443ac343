'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Textarea } from '@/components/ui/textarea';
import { stageAttachment } from '@/components/tickets/attachment-inputs';
import { formatBytes } from '@/components/tickets/format';
import type { ActionState } from '@/lib/actions/authorized-action';
import { addWorkOrderTicketNote, type TicketActionResult } from '@/lib/actions/tickets';

interface Photo {
  key: string;
  name: string;
  size: number;
  uploadId?: string;
  error?: string;
}

const MAX_PHOTOS = 5;

/** From the field: a note and photos (taken with the phone's camera) for the ticket this work order serves. */
export function TicketNoteForm({ seller, workOrderId, ticketLabel, maxBytes }: { seller: string; workOrderId: string; ticketLabel: string; maxBytes: number }) {
  const router = useRouter();
  const fileId = useId();
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [state, setState] = useState<ActionState<TicketActionResult> | null>(null);
  const [pending, start] = useTransition();
  const latest = useRef(photos);
  latest.current = photos;
  const uploading = photos.some((p) => !p.uploadId && !p.error);
  const ready = photos.filter((p) => p.uploadId);
  const update = (key: string, patch: Partial<Photo>) => setPhotos(latest.current.map((p) => (p.key === key ? { ...p, ...patch } : p)));

  async function addFiles(files: File[]) {
    const room = MAX_PHOTOS - latest.current.length;
    const chosen = files.slice(0, Math.max(0, room)).map((file) => ({ file, key: Math.random().toString(36).slice(2) }));
    setPhotos([
      ...latest.current,
      ...chosen.map(({ file, key }) =>
        file.size > maxBytes
          ? { key, name: file.name, size: file.size, error: `${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}` }
          : { key, name: file.name, size: file.size },
      ),
    ]);
    await Promise.all(
      chosen
        .filter(({ file }) => file.size <= maxBytes)
        .map(async ({ file, key }) => {
          const result = await stageAttachment(file);
          if (!latest.current.some((p) => p.key === key)) return;
          update(key, 'error' in result ? { error: result.error } : { uploadId: result.uploadId, name: result.name });
        }),
    );
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    start(async () => {
      const result = await addWorkOrderTicketNote({
        seller,
        workOrderId,
        note,
        attachments: ready.map((p) => ({ name: p.name, uploadId: p.uploadId })),
      });
      setState(result);
      if (result.ok) {
        setNote('');
        setPhotos([]);
        router.refresh();
      }
    });
  }

  const errors = state?.errors ?? {};
  return (
    <form onSubmit={submit} aria-label="Add to the ticket" className="flex flex-col gap-4">
      {state ? (
        <Alert tone={state.ok ? (state.data?.delivery === 'sent' ? 'success' : 'info') : 'danger'} live>
          {state.message}
          {errors._form && errors._form[0] !== state.message ? ` ${errors._form.join(' ')}` : ''}
        </Alert>
      ) : null}
      <Field label={`Note for ticket ${ticketLabel}`} hint="A note, photos, or both." error={errors.note}>
        <Textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} placeholder="What you found on site…" />
      </Field>
      <div className="flex flex-col gap-2">
        <label htmlFor={fileId} className="text-[13px] font-medium text-fg">
          Photos <span className="font-normal text-fg-subtle">(optional, up to {MAX_PHOTOS}; each up to {formatBytes(maxBytes)})</span>
        </label>
        <input
          id={fileId}
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          disabled={photos.length >= MAX_PHOTOS || pending}
          className="block w-full text-sm text-fg-muted file:mr-3 file:min-h-11 file:rounded-md file:border file:border-border-strong file:bg-surface file:px-3 file:text-sm file:text-fg"
          onChange={async (event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            await addFiles(files);
          }}
        />
        {photos.length ? (
          <ul className="flex flex-col gap-1 text-sm" aria-label="Chosen photos">
            {photos.map((p) => (
              <li key={p.key} className="flex items-center justify-between gap-2 rounded-md border border-border px-2 py-1">
                <span className="min-w-0">
                  <span className="block truncate">{p.name}</span>
                  <span className={p.error ? 'text-xs font-medium text-danger-fg' : 'text-xs text-fg-muted'}>
                    {p.error ?? `${formatBytes(p.size)} · ${p.uploadId ? 'ready' : 'uploading…'}`}
                  </span>
                </span>
                <Button variant="ghost" size="sm" onClick={() => setPhotos(latest.current.filter((x) => x.key !== p.key))} aria-label={`Remove ${p.name}`}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
        {Object.entries(errors)
          .filter(([k]) => k.startsWith('attachments'))
          .map(([k, v]) => (
            <p key={k} className="text-xs font-medium text-danger-fg">
              {v.join(' ')}
            </p>
          ))}
      </div>
      <div>
        <Button type="submit" variant="primary" loading={pending} disabled={uploading || (!note.trim() && ready.length === 0)} className="max-sm:w-full">
          Add to the ticket
        </Button>
      </div>
    </form>
  );
}
