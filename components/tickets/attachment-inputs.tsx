'use client';

import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { formatBytes } from './format';

export interface AttachmentDraft {
  key: string;
  name: string;
  description: string;
  url: string;
  uploadId?: string;
  fileName?: string;
  size?: number;
  uploading?: boolean;
  error?: string;
}

export function newAttachment(): AttachmentDraft {
  return { key: Math.random().toString(36).slice(2), name: '', description: '', url: '' };
}

/** What the actions take: either a URL or a staged upload. */
export function attachmentPayload(list: AttachmentDraft[]) {
  return list.map((a) => ({ name: a.name, description: a.description || undefined, url: a.uploadId ? undefined : a.url || undefined, uploadId: a.uploadId }));
}

/** Stages one file for a ticket form; the form then names it by uploadId. */
export async function stageAttachment(file: File): Promise<{ uploadId: string; name: string; size: number } | { error: string }> {
  const form = new FormData();
  form.set('file', file);
  const res = await fetch('/api/tickets/attachments', { method: 'POST', body: form });
  const body = (await res.json().catch(() => ({}))) as { uploadId?: string; name?: string; size?: number; error?: string };
  if (!res.ok || !body.uploadId) return { error: body.error ?? `Upload failed (HTTP ${res.status})` };
  return { uploadId: body.uploadId, name: body.name ?? file.name, size: body.size ?? file.size };
}

/** MEF 113 Attachments: a file (sent as base64 content with its mime type and size) or a URL. */
export function AttachmentInputs({
  value,
  onChange,
  maxBytes,
  errors,
  prefix = 'attachments',
}: {
  value: AttachmentDraft[];
  onChange: (next: AttachmentDraft[]) => void;
  maxBytes: number;
  errors: Record<string, string[]>;
  prefix?: string;
}) {
  const latest = useRef(value);
  latest.current = value;
  const update = (key: string, patch: Partial<AttachmentDraft>) =>
    onChange(latest.current.map((a) => (a.key === key ? { ...a, ...patch } : a)));

  return (
    <fieldset className="flex flex-col gap-3">
      <legend className="mb-1 text-[13px] font-medium">
        Attachments <span className="font-normal text-fg-subtle">(optional; files up to {formatBytes(maxBytes)})</span>
      </legend>
      {value.map((a, i) => (
        <div key={a.key} className="grid gap-2 rounded-md border border-border p-3 sm:grid-cols-2" data-testid="attachment-row">
          <Field label="Attachment Name" required error={errors[`${prefix}.${i}.name`]}>
            <Input value={a.name} onChange={(e) => update(a.key, { name: e.target.value })} />
          </Field>
          <Field label="Attachment Description" optional error={errors[`${prefix}.${i}.description`]}>
            <Input value={a.description} onChange={(e) => update(a.key, { description: e.target.value })} />
          </Field>
          <Field label="File" hint={a.fileName ? `${a.fileName} · ${formatBytes(a.size)} ${a.uploading ? '· uploading…' : a.uploadId ? '· ready' : ''}` : 'Upload a file, or give a URL'} error={a.error ?? null}>
            <Input
              type="file"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                if (file.size > maxBytes) {
                  update(a.key, { error: `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}`, uploadId: undefined, fileName: undefined });
                  e.target.value = '';
                  return;
                }
                update(a.key, { uploading: true, error: undefined, fileName: file.name, size: file.size, name: a.name || file.name, url: '' });
                const result = await stageAttachment(file);
                const current = latest.current.find((x) => x.key === a.key);
                if (!current) return;
                if ('error' in result) update(a.key, { uploading: false, error: result.error, uploadId: undefined });
                else update(a.key, { uploading: false, uploadId: result.uploadId, name: current.name || result.name });
              }}
            />
          </Field>
          <Field label="URL" error={errors[`${prefix}.${i}.url`]}>
            <Input type="url" value={a.url} disabled={!!a.uploadId} placeholder="https://…" onChange={(e) => update(a.key, { url: e.target.value })} />
          </Field>
          <div className="sm:col-span-2">
            <Button size="sm" variant="ghost" onClick={() => onChange(value.filter((x) => x.key !== a.key))}>
              Remove attachment
            </Button>
          </div>
        </div>
      ))}
      <div>
        <Button size="sm" onClick={() => onChange([...value, newAttachment()])}>
          Add attachment
        </Button>
      </div>
    </fieldset>
  );
}
