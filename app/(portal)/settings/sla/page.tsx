import type { Metadata } from 'next';
import Link from 'next/link';
import { SettingsNav } from '@/components/settings/settings-nav';
import { SlaDeleteButton } from '@/components/settings/sla-delete-button';
import { SlaImport } from '@/components/settings/sla-import';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/page-guard';
import { listSlaAgreements, listSlaCalendars } from '@/lib/data/sla';
import { formatMinutes } from '@/lib/domain/sla-agreement-input';
import { formatClockTime } from '@/lib/domain/sla-calendar';
import { WEEKDAYS } from '@/lib/domain/sla-agreement-input';

export const metadata: Metadata = { title: 'SLA agreements · Settings' };

const day = (iso: string | null, exclusiveEnd = false) =>
  iso ? new Date(Date.parse(iso) - (exclusiveEnd ? 86_400_000 : 0)).toISOString().slice(0, 10) : 'open-ended';

export default async function SlaSettingsPage() {
  await requirePageUser('sla.manage', { path: '/settings/sla' });
  const [agreements, calendars] = await Promise.all([listSlaAgreements(), listSlaCalendars()]);
  return (
    <>
      <PageHeader
        title="SLA agreements"
        eyebrow={<Link href="/settings">Settings</Link>}
        description="What each Seller promised: targets per severity or priority, the states that stop the clock, and the calendar it runs on."
        actions={
          <>
            <a href="/settings/sla/export" className={buttonClasses({ variant: 'secondary' })} download>
              Export JSON
            </a>
            <Link href="/settings/sla/calendars/new" className={buttonClasses({ variant: 'secondary' })}>
              Add calendar
            </Link>
            <Link href="/settings/sla/agreements/new" className={buttonClasses({ variant: 'primary' })}>
              Add agreement
            </Link>
          </>
        }
      />
      <SettingsNav current="/settings/sla" />
      <div className="flex flex-col gap-6">
        <Card title="Agreements" flush>
          {agreements.length === 0 ? (
            <EmptyState title="No agreements yet" description="Add one per Seller; tickets then show their verdicts." />
          ) : (
            <Table caption="SLA agreements" dense>
              <TableHead>
                <tr>
                  <TableHeaderCell>Name</TableHeaderCell>
                  <TableHeaderCell>Seller</TableHeaderCell>
                  <TableHeaderCell>Scope</TableHeaderCell>
                  <TableHeaderCell>Targets</TableHeaderCell>
                  <TableHeaderCell>Pauses on</TableHeaderCell>
                  <TableHeaderCell>Calendar</TableHeaderCell>
                  <TableHeaderCell>Valid</TableHeaderCell>
                  <TableHeaderCell>
                    <span className="sr-only">Actions</span>
                  </TableHeaderCell>
                </tr>
              </TableHead>
              <TableBody>
                {agreements.map((a) => (
                  <TableRow key={a.id} data-testid="sla-agreement-row">
                    <TableCell>
                      <Link href={`/settings/sla/agreements/${a.id}`} className="font-medium text-accent hover:underline">
                        {a.name}
                      </Link>
                    </TableCell>
                    <TableCell>{a.sellerName}</TableCell>
                    <TableCell className="text-xs">{a.productId ? `product ${a.productId}` : a.siteId ? `site ${a.siteId}` : 'every ticket'}</TableCell>
                    <TableCell className="font-mono text-xs">
                      {Object.entries(a.targets).map(([level, t]) => (
                        <div key={level}>
                          {level}: {t.acknowledge ? `ack ${formatMinutes(t.acknowledge)} ` : ''}
                          {t.resolve ? `resolve ${formatMinutes(t.resolve)} ` : ''}
                          {t.firstNote ? `note ${formatMinutes(t.firstNote)}` : ''}
                        </div>
                      ))}
                    </TableCell>
                    <TableCell className="text-xs">{a.pauseStates.join(', ') || 'nothing'}</TableCell>
                    <TableCell className="text-xs">{a.calendarName ?? '24×7'}</TableCell>
                    <TableCell className="text-xs whitespace-nowrap">
                      {day(a.validFrom)} – {day(a.validTo, true)}
                    </TableCell>
                    <TableCell>
                      <SlaDeleteButton kind="agreement" id={a.id} name={a.name} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
        <Card title="Import">
          <SlaImport />
        </Card>
        <Card title="Calendars" flush>
          {calendars.length === 0 ? (
            <EmptyState title="No calendars" description="Agreements without one run 24×7." />
          ) : (
            <Table caption="SLA calendars" dense>
              <TableHead>
                <tr>
                  <TableHeaderCell>Name</TableHeaderCell>
                  <TableHeaderCell>Time zone</TableHeaderCell>
                  <TableHeaderCell>Hours</TableHeaderCell>
                  <TableHeaderCell>Holidays</TableHeaderCell>
                  <TableHeaderCell>
                    <span className="sr-only">Actions</span>
                  </TableHeaderCell>
                </tr>
              </TableHead>
              <TableBody>
                {calendars.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell>
                      <Link href={`/settings/sla/calendars/${c.id}`} className="font-medium text-accent hover:underline">
                        {c.name}
                      </Link>
                    </TableCell>
                    <TableCell className="text-xs">{c.timeZone}</TableCell>
                    <TableCell className="text-xs">
                      {c.hours.map((h) => `${WEEKDAYS[h.day]!.slice(0, 3)} ${formatClockTime(h.from)}–${formatClockTime(h.to)}`).join(', ')}
                    </TableCell>
                    <TableCell className="text-xs">{c.holidays.length}</TableCell>
                    <TableCell>
                      <SlaDeleteButton kind="calendar" id={c.id} name={c.name} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
