import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { ContactBook } from '@/components/tickets/contact-book';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can, whyNot } from '@/lib/auth/permissions';
import { listContacts } from '@/lib/data/contacts';

export const metadata: Metadata = { title: 'Contact book' };

export default async function ContactsPage() {
  const user = await requirePageUser('tickets.view', { path: '/tickets/contacts' });
  const contacts = await listContacts();
  return (
    <>
      <PageHeader
        eyebrow={<Link href="/tickets" className="hover:underline">Tickets</Link>}
        title="Contact book"
        description="People the Sellers may call about a ticket: pick them as Buyer Technical Contacts (MEF 113)."
      />
      <ContactBook
        contacts={contacts.map((c) => ({ id: c.id, name: c.name, emailAddress: c.emailAddress, number: c.number, numberExtension: c.numberExtension, organization: c.organization }))}
        canEdit={can(user.role, 'contacts.manage')}
        whyNot={whyNot(user.role, 'contacts.manage')}
      />
    </>
  );
}
