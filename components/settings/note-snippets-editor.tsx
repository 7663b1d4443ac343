'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import type { ActionState } from '@/lib/actions/authorized-action';
import { createNoteSnippet, updateNoteSnippet } from '@/lib/actions/ticket-templates';
import type { NoteSnippetView } from '@/lib/data/ticket-templates';
import { FormStatus } from './form-status';
import { SnippetDeleteButton } from './template-delete-buttons';

/** One snippet's form: adds a new one when `snippet` is absent. */
function SnippetForm({ snippet }: { snippet?: NoteSnippetView }) {
  const toast = useToast();
  const [pending, start] = useTransition();
  const [state, setState] = useState<ActionState<unknown>>({ ok: false });
  const [name, setName] = useState(snippet?.name ?? '');
  const [text, setText] = useState(snippet?.text ?? '');
  const label = snippet ? `Snippet ${snippet.name}` : 'New note snippet';

  return (
    <form
      noValidate
      aria-label={label}
      className="grid gap-3 border-b border-border py-3 last:border-b-0 sm:grid-cols-[14rem_1fr_auto]"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const result = snippet ? await updateNoteSnippet({ id: snippet.id, name, text }) : await createNoteSnippet({ name, text });
          if (result.ok) {
            toast.success(result.message ?? 'Snippet saved.');
            setState({ ok: false });
            if (!snippet) {
              setName('');
              setText('');
            }
          } else setState(result);
        });
      }}
    >
      <div className="sm:col-span-3 empty:hidden">
        <FormStatus state={state} />
      </div>
      <Field label="Snippet name" required error={state.errors?.name}>
        <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} autoComplete="off" />
      </Field>
      <Field label="Snippet text" required error={state.errors?.text}>
        <Textarea value={text} onChange={(e) => setText(e.target.value)} rows={2} maxLength={2000} />
      </Field>
      <div className="flex items-end gap-1 pb-0.5">
        <Button type="submit" size="sm" variant={snippet ? 'secondary' : 'primary'} loading={pending}>
          {snippet ? 'Save snippet' : 'Add snippet'}
        </Button>
        {snippet ? <SnippetDeleteButton id={snippet.id} name={snippet.name} /> : null}
      </div>
    </form>
  );
}

/** Settings → Templates: the note snippets, each editable in place, and a form to add one. */
export function NoteSnippetsEditor({ snippets }: { snippets: readonly NoteSnippetView[] }) {
  return (
    <div className="flex flex-col">
      {snippets.map((s) => (
        <SnippetForm key={`${s.id}:${s.updatedAt}`} snippet={s} />
      ))}
      <SnippetForm key={`new:${snippets.length}`} />
    </div>
  );
}
