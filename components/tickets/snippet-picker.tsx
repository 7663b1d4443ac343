'use client';

import { useState } from 'react';
import { Select } from '@/components/ui/select';

export interface SnippetOption {
  id: number;
  name: string;
  text: string;
}

/** A list of note snippets; choosing one hands its text to the note field, then the list is ready again. */
export function SnippetPicker({ snippets, onInsert }: { snippets: readonly SnippetOption[]; onInsert: (text: string) => void }) {
  const [value, setValue] = useState('');
  if (snippets.length === 0) return null;
  return (
    <Select
      aria-label="Insert a note snippet"
      value={value}
      placeholder="Insert a snippet…"
      className="w-56"
      onChange={(e) => {
        const snippet = snippets.find((s) => String(s.id) === e.target.value);
        setValue('');
        if (snippet) onInsert(snippet.text);
      }}
      options={snippets.map((s) => ({ value: String(s.id), label: s.name }))}
    />
  );
}
