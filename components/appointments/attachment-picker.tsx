'use client';

import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

export interface AttachmentDraft {
  name: string;
  url?: string;
  content?: string;
  mimeType?: string;
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** Files (sent as content + mimeType) or links (sent as url), at most five. */
export function AttachmentPicker({ value, onChange, error }: { value: AttachmentDraft[]; onChange: (v: AttachmentDraft[]) => void; error?: string[] }) {
  const id = useId();
  const [link, setLink] = useState('');
  const full = value.length >= 5;
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor={`${id}-file`} className="text-[13px] font-medium text-fg">
        Attachments <span className="font-normal text-fg-subtle">(optional, up to 5)</span>
      </label>
      <input
        id={`${id}-file`}
        type="file"
        multiple
        disabled={full}
        className="text-sm text-fg-muted file:mr-3 file:rounded-md file:border file:border-border-strong file:bg-surface file:px-3 file:py-1.5 file:text-sm file:text-fg"
        onChange={async (event) => {
          const files = [...(event.target.files ?? [])].slice(0, 5 - value.length);
          const read = await Promise.all(
            files.map(async (f) => ({ name: f.name, content: await readAsBase64(f), mimeType: f.type || 'application/octet-stream' })),
          );
          onChange([...value, ...read]);
          event.target.value = '';
        }}
      />
      <div className="flex gap-2">
        <Input aria-label="Link to a document" placeholder="https://… link to a document" value={link} onChange={(e) => setLink(e.target.value)} disabled={full} />
        <Button
          size="md"
          disabled={full || !/^https?:\/\/\S+$/.test(link)}
          onClick={() => {
            onChange([...value, { name: link.split('/').pop() || link, url: link }]);
            setLink('');
          }}
        >
          Add link
        </Button>
      </div>
      {value.length ? (
        <ul className="flex flex-col gap-1 text-sm">
          {value.map((a, i) => (
            <li key={`${a.name}-${i}`} className="flex items-center justify-between gap-2 rounded border border-border px-2 py-1">
              <span className="truncate">{a.name}</span>
              <Button variant="ghost" size="sm" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={`Remove ${a.name}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {error?.length ? <p className="text-xs font-medium text-danger-fg">{error.join(' ')}</p> : null}
    </div>
  );
}
