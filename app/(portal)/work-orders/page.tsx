import type { Metadata } from 'next';
import Link from 'next/link';
import { NavIcon } from '@/components/layout/nav-icons';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { Select } from '@/components/ui/select';
import { RefreshFromSellers } from '@/components/work-orders/refresh-from-sellers';
import { WorkOrderTable } from '@/components/work-orders/work-order-table';
import { requirePageUser } from '@/lib/auth/page-guard';
import { can, whyNot } from '@/lib/auth/permissions';
import { listAppointmentsNeeded, listWorkOrders, workforceFilterOptions } from '@/lib/data/work-orders';
import { WORK_ORDER_STATE, WORK_ORDER_STATES } from '@/lib/domain/mef-labels';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

export const metadata: Metadata = { title: 'Work orders' };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function WorkOrdersPage({ searchParams }: { searchParams: Search }) {
  const user = await requirePageUser('workOrders.view', { path: '/work-orders' });
  const feedSeq = await pageFeedPosition();
  const params = await searchParams;
  const filter = {
    seller: one(params.seller),
    state: one(params.state),
    site: one(params.site),
    appointmentRequired: one(params.appointment) === 'required' ? true : one(params.appointment) === 'not-required' ? false : undefined,
  };
  const [needed, items, options] = await Promise.all([listAppointmentsNeeded(), listWorkOrders(filter), workforceFilterOptions()]);
  const canBook = can(user.role, 'appointments.write');
  const filtered = Object.values(filter).some((v) => v !== undefined);

  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        title="Work orders"
        description="Field work your Sellers carry out to resolve your tickets, and the visits they need booked."
        actions={<RefreshFromSellers refusal={whyNot(user.role, 'sellers.refresh')} />}
      />

      <Card
        className="mb-6"
        title={`Appointments needed (${needed.length})`}
        description="Work orders waiting for you to book a technician visit, the longest-waiting first."
        flush
        data-testid="appointments-needed"
      >
        {needed.length ? (
          <WorkOrderTable items={needed} caption="Work orders that need an appointment" queue canBook={canBook} />
        ) : (
          <p className="px-4 py-6 text-sm text-fg-muted">No work order is waiting for an appointment.</p>
        )}
      </Card>

      <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter work orders">
        <Field label="Seller">
          <Select name="seller" defaultValue={filter.seller ?? ''} placeholder="All Sellers" options={options.sellers} className="w-48" />
        </Field>
        <Field label="State">
          <Select
            name="state"
            defaultValue={filter.state ?? ''}
            placeholder="All states"
            options={WORK_ORDER_STATES.map((s) => ({ value: s, label: WORK_ORDER_STATE[s].label }))}
            className="w-44"
          />
        </Field>
        <Field label="Appointment">
          <Select
            name="appointment"
            defaultValue={one(params.appointment) ?? ''}
            placeholder="Any"
            options={[
              { value: 'required', label: 'Required' },
              { value: 'not-required', label: 'Not required' },
            ]}
            className="w-40"
          />
        </Field>
        <Field label="Site">
          <Select name="site" defaultValue={filter.site ?? ''} placeholder="All sites" options={options.sites} className="w-64" />
        </Field>
        <button type="submit" className={buttonClasses({ variant: 'primary' })}>
          Apply
        </button>
        {filtered ? (
          <Link href="/work-orders" className={buttonClasses({ variant: 'ghost' })}>
            Clear
          </Link>
        ) : null}
      </form>

      {items.length ? (
        <Card flush>
          <WorkOrderTable items={items} caption="Work orders" canBook={canBook} />
        </Card>
      ) : (
        <EmptyState
          icon={<NavIcon href="/work-orders" />}
          title={filtered ? 'No work order matches these filters' : 'No work orders yet'}
          description={
            filtered
              ? 'Change or clear the filters.'
              : 'Work orders your Sellers raise for ticket repairs appear here, with their progress and appointments. Use “Refresh from Sellers” if you expect one.'
          }
        />
      )}
    </>
  );
}
