import type { Metadata } from 'next';
import Link from 'next/link';
import { and, eq } from 'drizzle-orm';
import { PageHeader } from '@/components/ui/page-header';
import { CreateTicketForm, type CreateTicketInitial } from '@/components/tickets/create-ticket-form';
import { getDb } from '@/db';
import { outbox, tickets } from '@/db/schema';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can } from '@/lib/auth/permissions';
import { listContacts } from '@/lib/data/contacts';
import { listProducts } from '@/lib/data/products';
import { listTicketTemplates } from '@/lib/data/ticket-templates';
import { listSellers } from '@/lib/sellers/registry';
import { env } from '@/lib/env';
import type { TroubleTicketCreate } from '@/lib/sonata/schemas';

export const metadata: Metadata = { title: 'New ticket' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.slice(0, 2000) ?? '';

/** ISO → the value of a datetime-local input (UTC wall time; the browser shows it as typed). */
const toLocalInput = (iso: string | undefined) => (iso ? iso.slice(0, 16) : '');

async function draftOf(ticketId: number) {
  const ticket = (await getDb().select().from(tickets).where(eq(tickets.id, ticketId)).limit(1))[0];
  if (!ticket || ticket.sellerTicketId) return undefined;
  const rejected = (await getDb()
    .select()
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticket.id), eq(outbox.operation, 'create'), eq(outbox.state, 'rejected')))
    .limit(1))[0];
  if (!rejected) return undefined;
  return { ticket, body: (rejected.payload as { create?: TroubleTicketCreate } | null)?.create, lastError: rejected.lastError };
}

export default async function NewTicketPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePageUser('tickets.write', { path: '/tickets/new' });
  const params = await searchParams;
  const [sellers, products, contacts, templates] = await Promise.all([listSellers(), listProducts(), listContacts(), listTicketTemplates()]);
  const sellerOptions = sellers
    .filter((s) => s.enabled)
    .map((s) => ({
      slug: s.slug,
      name: s.name,
      products: products.filter((p) => p.sellerId === s.id).map((p) => ({ productId: p.productId, label: p.label, siteName: p.siteName })),
    }));

  const relatedIncident = one(params.relatedIncident);
  const initial: CreateTicketInitial = {
    seller: one(params.seller),
    productId: one(params.product),
    description: one(params.description),
    severity: '',
    priority: '',
    observedImpact: '',
    ticketType: '',
    issueStartDate: '',
    reporter: { name: user.name, number: user.phone, numberExtension: '', emailAddress: user.email, organization: user.organization },
    technicalContactIds: [],
    note: '',
    relatedIssues: relatedIncident
      ? [{ referredType: 'Incident', id: relatedIncident, relationshipType: 'relatesTo', description: 'The issue appears related to this Seller incident' }]
      : [],
  };

  const draftId = Number(one(params.draft));
  const draft = Number.isInteger(draftId) && draftId > 0 ? await draftOf(draftId) : undefined;
  if (draft?.body) {
    const b = draft.body;
    const seller = sellers.find((s) => s.id === draft.ticket.sellerId);
    const rep = b.relatedContactInformation.find((c) => c.role === 'reporterContact');
    Object.assign(initial, {
      seller: seller?.slug ?? '',
      productId: b.relatedEntity[0]?.id ?? '',
      description: b.description,
      severity: b.severity,
      priority: b.priority,
      observedImpact: b.observedImpact,
      ticketType: b.ticketType,
      issueStartDate: toLocalInput(b.issueStartDate),
      reporter: rep
        ? { name: rep.name, number: rep.number, numberExtension: rep.numberExtension ?? '', emailAddress: rep.emailAddress, organization: rep.organization ?? '' }
        : initial.reporter,
      technicalContactIds: contacts
        .filter((c) => b.relatedContactInformation.some((r) => r.role === 'buyerTechnicalContact' && r.emailAddress === c.emailAddress && r.name === c.name))
        .map((c) => c.id),
      technicalContacts: b.relatedContactInformation
        .filter((r) => r.role === 'buyerTechnicalContact' && !contacts.some((c) => r.emailAddress === c.emailAddress && r.name === c.name))
        .map((r) => ({ name: r.name, number: r.number, emailAddress: r.emailAddress, organization: r.organization ?? '' })),
      note: b.note?.[0]?.text ?? '',
      relatedIssues: (b.relatedIssue ?? []).map((r) => ({
        referredType: r['@referredType'] === 'Incident' ? 'Incident' : 'TroubleTicket',
        id: r.id,
        relationshipType: r.relationshipType,
        description: r.description,
      })),
      draft: { ticketId: draft.ticket.id, externalId: draft.ticket.externalId, lastError: draft.lastError },
    } satisfies Partial<CreateTicketInitial>);
  }

  return (
    <>
      <PageHeader
        eyebrow={<Link href="/tickets" className="hover:underline">Tickets</Link>}
        title={draft ? `Fix and resend ${draft.ticket.externalId}` : 'New trouble ticket'}
        description="Report an issue on one of our products to its Seller (MEF 113 Create Ticket). Our ticket id is assigned when you submit."
      />
      <CreateTicketForm
        sellers={sellerOptions}
        contacts={contacts.map((c) => ({ id: c.id, name: c.name, emailAddress: c.emailAddress, number: c.number, organization: c.organization }))}
        initial={initial}
        maxBytes={env().ATTACHMENT_MAX_BYTES}
        templates={templates.map((t) => ({ id: t.id, name: t.name, seller: t.seller, productId: t.productId, values: t.values }))}
        manageTemplatesHref={can(user.role, 'templates.manage') ? '/settings/templates' : undefined}
      />
    </>
  );
}
