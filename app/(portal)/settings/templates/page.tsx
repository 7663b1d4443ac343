import type { Metadata } from 'next';
import Link from 'next/link';
import { NoteSnippetsEditor } from '@/components/settings/note-snippets-editor';
import { SettingsNav } from '@/components/settings/settings-nav';
import { TemplatesTable } from '@/components/settings/templates-table';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can } from '@/lib/auth/permissions';
import { listNoteSnippets, listTicketTemplates } from '@/lib/data/ticket-templates';

export const metadata: Metadata = { title: 'Templates · Settings' };

export default async function TemplatesPage() {
  const user = await requirePageUser('templates.manage', { path: '/settings/templates' });
  const [templates, snippets] = await Promise.all([listTicketTemplates(), listNoteSnippets()]);
  return (
    <>
      <PageHeader
        title="Templates"
        eyebrow={can(user.role, 'settings.view') ? <Link href="/settings">Settings</Link> : <Link href="/tickets">Tickets</Link>}
        description="Ready-made values for new tickets, for every Seller or one Seller or product, and short texts for ticket notes."
        actions={
          <Link href="/settings/templates/new" className={buttonClasses({ variant: 'primary' })}>
            Add template
          </Link>
        }
      />
      <SettingsNav current="/settings/templates" role={user.role} />
      <div className="flex flex-col gap-6">
        {templates.length === 0 ? (
          <EmptyState
            title="No ticket templates yet"
            description="A template fills the create form's empty fields: description, type, severity, priority, impact, notes and contacts."
          />
        ) : (
          <Card flush>
            <TemplatesTable templates={templates} />
          </Card>
        )}
        <Card title="Note snippets" description="Offered next to the note when a ticket is updated; inserted where the cursor is.">
          <NoteSnippetsEditor snippets={snippets} />
        </Card>
      </div>
    </>
  );
}
