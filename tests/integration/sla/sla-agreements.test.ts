import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { and, eq, isNull } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditLog, changeFeed, products, slaAgreements, slaCalendars, tickets, ticketSla, waitingItems } from '@/db/schema';
import { createSlaAgreement, createSlaCalendar, deleteSlaCalendar, updateSlaAgreement } from '@/lib/actions/sla';
import { slaEvidencePack, slaScorecard } from '@/lib/data/sla';
import { sweepDueSla } from '@/lib/sync/sla-clocks';
import type { TroubleTicket } from '@/lib/sonata/schemas';
import { ticketDoc } from '../../unit/notifications/fake-seller';
import { insertSeller } from '../../unit/notifications/support';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';
import { storeTicket } from '../../support/seller-documents';

const H = 3_600_000;
let sellerId: number;
const ago = (hours: number) => new Date(Date.now() - hours * H).toISOString();

const validAgreement = {
  name: 'Acme gold',
  seller: 'acme',
  basis: 'severity',
  pausePending: '1',
  atRiskPercent: '75',
  validFrom: '2020-01-01',
  'target.extensive.acknowledge': '15m',
  'target.extensive.resolve': '5h',
};

function doc(id: string, created: string, history: Array<[string, string]>): TroubleTicket {
  const last = history.at(-1)!;
  return ticketDoc(id, last[0], last[1], {
    creationDate: created,
    statusChange: history.map(([status, changeDate]) => ({ status, changeDate, changeReason: 'Seller update' })),
  }) as unknown as TroubleTicket;
}

const count = async (table: typeof auditLog | typeof slaAgreements | typeof slaCalendars) => (await getDb().select().from(table).all()).length;

beforeEach(async () => {
  usePortalTestEnv();
  sellerId = (await insertSeller('acme')).id;
  await getDb().insert(products).values({ sellerId, productId: 'PROD-1', label: 'Paris 1', siteId: 'SITE-PAR' }).run();
  actAs((await createUser('admin')).id);
});

describe('agreements in Settings', () => {
  it.each([
    ['no name', { name: '' }, 'name'],
    ['no target at all', { 'target.extensive.acknowledge': '', 'target.extensive.resolve': '' }, 'targets'],
    ['an unreadable duration', { 'target.extensive.resolve': 'soon' }, 'target.extensive.resolve'],
    ['a period that ends before it starts', { validTo: '2019-12-31' }, 'validTo'],
    ['a share outside 1–99 %', { atRiskPercent: '100' }, 'atRiskPercent'],
    ['both a product and a site', { productId: 'PROD-1', siteId: 'SITE-PAR' }, 'siteId'],
    ['a product the Seller does not have', { productId: 'NOPE' }, 'productId'],
    ['an unknown Seller', { seller: 'nobody' }, 'seller'],
    ['an unknown calendar', { calendar: '99' }, 'calendar'],
  ])('refuses %s under the field, writing nothing', async (_what, change, field) => {
    const result = await createSlaAgreement({ ...validAgreement, ...change });
    expect(result.ok).toBe(false);
    expect(result.errors?.[field], JSON.stringify(result)).toBeDefined();
    expect(await count(slaAgreements)).toBe(0);
    expect(await count(auditLog)).toBe(0);
  });

  it('saves a valid agreement with an audit entry, and refuses a second one over the same tickets and period', async () => {
    const result = await createSlaAgreement(validAgreement);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const row = getDb().select().from(slaAgreements).get()!;
    expect(row).toMatchObject({ sellerId, targets: { extensive: { acknowledge: 15, resolve: 300 } }, pauseStates: ['pending'], atRiskPercent: 75, validTo: null });
    expect(getDb().select().from(auditLog).all()).toMatchObject([{ action: 'slaAgreement.create', entityId: String(row.id), actor: 'admin@example.test' }]);

    const clash = await createSlaAgreement({ ...validAgreement, name: 'Acme silver', validFrom: '2024-01-01' });
    expect(clash).toMatchObject({ ok: false, status: 409 });
    expect(clash.errors?.validFrom?.[0]).toMatch(/Acme gold/);
    // Another scope (one product) may overlap: the more specific agreement wins for its tickets.
    expect((await createSlaAgreement({ ...validAgreement, name: 'Paris line', productId: 'PROD-1' })).ok).toBe(true);
    expect(await count(slaAgreements)).toBe(2);
  });

  it('validates calendars: zone, hours and ICS holidays; a calendar in use cannot be deleted', async () => {
    const bad = await createSlaCalendar({ name: 'Paris', timeZone: 'Mars/Olympus', 'open.1': '18:00', 'close.1': '08:00' });
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.errors ?? {})).toEqual(expect.arrayContaining(['timeZone', 'close.1']));
    expect(await count(slaCalendars)).toBe(0);

    const ics = 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const good = await createSlaCalendar({ name: 'Paris', timeZone: 'Europe/Paris', 'open.1': '08:00', 'close.1': '18:00', holidays: '2026-11-11', ics });
    expect(good.ok, JSON.stringify(good)).toBe(true);
    expect(getDb().select().from(slaCalendars).get()).toMatchObject({ hours: [{ day: 1, from: 480, to: 1080 }], holidays: ['2026-11-11', '2026-12-25'] });
    const calendarId = (good.data as { id: number }).id;
    expect((await createSlaAgreement({ ...validAgreement, calendar: String(calendarId) })).ok).toBe(true);
    expect(await deleteSlaCalendar({ id: calendarId })).toMatchObject({ ok: false, status: 409 });
    expect(await count(slaCalendars)).toBe(1);
  });
});

describe('clocks kept by the cache writer', () => {
  it('computes the verdict when a ticket is stored, pauses on pending, and announces at risk once', async () => {
    expect((await createSlaAgreement(validAgreement)).ok).toBe(true);
    const created = ago(5);
    // Running 1 h, pending 2 h, running again for 2 h: 3 h of the 5 h target used, 75 % is 3.75 h.
    const history: Array<[string, string]> = [
      ['acknowledged', created],
      ['pending', ago(4)],
      ['inProgress', ago(2)],
    ];
    const { ticket } = await storeTicket(sellerId, doc('TT-1', created, history), new Date().toISOString());
    const clocks = getDb().select().from(ticketSla).where(eq(ticketSla.ticketId, ticket.id)).all();
    const resolve = clocks.find((c) => c.target === 'resolve')!;
    expect(resolve).toMatchObject({ state: 'running', verdict: 'onTrack', level: 'extensive', targetMs: 5 * H });
    expect(resolve.elapsedMs).toBeGreaterThanOrEqual(3 * H);
    expect(resolve.pausedMs).toBe(2 * H);
    // At risk 45 min from now, breached 2 h from now.
    expect(Date.parse(resolve.atRiskAt!) - Date.now()).toBeGreaterThan(0.7 * H);
    expect(getDb().select().from(tickets).where(eq(tickets.id, ticket.id)).get()).toMatchObject({ slaVerdict: 'open', slaRiskAt: resolve.atRiskAt });

    // Nothing due yet; an hour later the sweep announces at risk, once.
    expect(await sweepDueSla()).toBe(0);
    expect(await sweepDueSla(Date.now() + H)).toBe(1);
    expect(await sweepDueSla(Date.now() + H)).toBe(0);
    const items = getDb().select().from(waitingItems).where(isNull(waitingItems.clearedAt)).all();
    expect(items).toMatchObject([{ kind: 'slaAtRisk', entityId: 'TT-1#resolve', ticketId: ticket.id }]);
    const toasts = getDb().select().from(changeFeed).all().filter((c) => (c.payload as { actionable?: unknown }).actionable);
    expect(toasts).toHaveLength(1);
    // Three hours on, it is breached: announced once more, as a breach.
    expect(await sweepDueSla(Date.now() + 3 * H)).toBe(1);
    expect(getDb().select().from(waitingItems).where(eq(waitingItems.kind, 'slaBreached')).all()).toHaveLength(1);
  });

  it('announces a breach learnt from a Seller document straight away, and the scorecard and evidence pack show it', async () => {
    expect((await createSlaAgreement(validAgreement)).ok).toBe(true);
    const created = ago(10);
    const history: Array<[string, string]> = [
      ['acknowledged', created],
      ['pending', ago(9)],
      ['inProgress', ago(8)],
      ['resolved', ago(1)],
    ];
    const { ticket } = await storeTicket(sellerId, doc('TT-2', created, history), new Date().toISOString());
    const resolve = getDb().select().from(ticketSla).where(and(eq(ticketSla.ticketId, ticket.id), eq(ticketSla.target, 'resolve'))).get()!;
    expect(resolve).toMatchObject({ state: 'stopped', verdict: 'breached', elapsedMs: 8 * H, pausedMs: 1 * H });
    expect(getDb().select().from(waitingItems).where(eq(waitingItems.kind, 'slaBreached')).all()).toMatchObject([{ entityId: 'TT-2#resolve' }]);
    const month = created.slice(0, 7);
    const card = await slaScorecard(sellerId, month);
    expect(card!.lines.find((l) => l.target === 'resolve')).toMatchObject({ level: 'extensive', tickets: 1, met: 0, breached: 1, attainment: 0, meanMs: 8 * H });
    const pack = await slaEvidencePack(sellerId, month);
    expect(pack!.tickets).toHaveLength(1);
    expect(pack!.tickets[0]).toMatchObject({ externalId: ticket.externalId, agreement: { name: 'Acme gold' } });
    expect(pack!.tickets[0]!.targets.find((t) => t.target === 'resolve')).toMatchObject({ pausedMs: 1 * H, verdict: 'breached' });
    expect(pack!.tickets[0]!.history.map((h) => h.status)).toEqual(['acknowledged', 'pending', 'inProgress', 'resolved']);
    expect(pack!.tickets[0]!.documentSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the verdict of a closed ticket when its agreement is changed, and recomputes open ones', async () => {
    const created = await createSlaAgreement(validAgreement);
    const id = (created.data as { id: number }).id;
    const closed = await storeTicket(sellerId, doc('TT-3', ago(10), [['acknowledged', ago(10)], ['resolved', ago(4)], ['closed', ago(3)]]), new Date().toISOString());
    const open = await storeTicket(sellerId, doc('TT-4', ago(6), [['acknowledged', ago(6)], ['inProgress', ago(5.5)]]), new Date().toISOString());
    const verdictOf = (ticketId: number) => getDb().select().from(ticketSla).where(and(eq(ticketSla.ticketId, ticketId), eq(ticketSla.target, 'resolve'))).get()!;
    expect(verdictOf(closed.ticket.id)).toMatchObject({ verdict: 'breached', final: true, targetMs: 5 * H });
    expect(verdictOf(open.ticket.id)).toMatchObject({ verdict: 'breached', targetMs: 5 * H });

    const updated = await updateSlaAgreement({ ...validAgreement, id: String(id), 'target.extensive.resolve': '1d' });
    expect(updated.ok, JSON.stringify(updated)).toBe(true);
    expect(verdictOf(closed.ticket.id)).toMatchObject({ verdict: 'breached', final: true, targetMs: 5 * H });
    expect(verdictOf(open.ticket.id)).toMatchObject({ verdict: 'onTrack', targetMs: 24 * H });
    expect(getDb().select().from(auditLog).all().map((a) => a.action)).toEqual(['slaAgreement.create', 'slaAgreement.update']);
  });
});

describe('import of agreements and calendars', () => {
  const file = (agreements: unknown[], calendars: unknown[] = []) => JSON.stringify({ calendars, agreements });
  const paris = { name: 'Paris', timeZone: 'Europe/Paris', hours: [{ day: 1, from: 480, to: 1080 }], holidays: ['2026-12-25'] };
  const gold = { name: 'Gold', seller: 'acme', productId: null, siteId: null, basis: 'severity', targets: { extensive: { resolve: 240 } }, pauseStates: ['pending'], atRiskPercent: 80, calendar: 'Paris', validFrom: '2026-01-01T00:00:00.000Z', validTo: null };

  it('imports the export format, all or nothing, with an audit entry', async () => {
    const { importSlaAgreements } = await import('@/lib/actions/sla');
    const refused = await importSlaAgreements({ json: file([gold, { ...gold, name: 'Broken', seller: 'nobody' }], [paris]) });
    expect(refused).toMatchObject({ ok: false, status: 422 });
    expect(refused.errors?.json?.join(' ')).toMatch(/agreement 2 \(Broken\)/);
    expect(await count(slaAgreements)).toBe(0);
    expect(await count(slaCalendars)).toBe(0);
    expect((await importSlaAgreements({ json: 'not json' })).ok).toBe(false);

    const result = await importSlaAgreements({ json: file([gold], [paris]) });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const calendar = getDb().select().from(slaCalendars).get()!;
    expect(getDb().select().from(slaAgreements).get()).toMatchObject({ name: 'Gold', calendarId: calendar.id, atRiskPercent: 80, targets: { extensive: { resolve: 240 } } });
    expect(getDb().select().from(auditLog).all().map((a) => a.action)).toEqual(['slaAgreement.import']);
    // The same file again would overlap the agreement now stored.
    expect((await importSlaAgreements({ json: file([gold], [paris]) })).ok).toBe(false);
  });
});
