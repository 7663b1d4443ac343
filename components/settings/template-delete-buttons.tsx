'use client';

import { DeleteButton } from '@/components/ui/delete-button';
import { deleteNoteSnippet, deleteTicketTemplate } from '@/lib/actions/ticket-templates';

export function TemplateDeleteButton({ id, name }: { id: number; name: string }) {
  return (
    <DeleteButton
      title={`Delete template ${name}?`}
      description="It is no longer offered on the create form. Tickets already opened with it keep their values."
      confirmLabel="Delete template"
      remove={() => deleteTicketTemplate({ id })}
      deleted="Template deleted."
      failed="The template could not be deleted."
    />
  );
}

export function SnippetDeleteButton({ id, name }: { id: number; name: string }) {
  return (
    <DeleteButton
      title={`Delete snippet ${name}?`}
      description="It is no longer offered next to the note of a ticket update. Notes already sent keep their text."
      confirmLabel="Delete snippet"
      remove={() => deleteNoteSnippet({ id })}
      deleted="Snippet deleted."
      failed="The snippet could not be deleted."
    />
  );
}
