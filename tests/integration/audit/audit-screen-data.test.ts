import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { recordAudit } from '@/db/audit-log';
import { auditLog } from '@/db/schema';
import { GET as exportAudit } from '@/app/api/audit/export/route';
import { auditPage } from '@/lib/data/audit';
import { AUDIT_PAGE_SIZE, auditActionLabel, parseAuditFilter } from '@/lib/domain/audit-trail';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { actAs } from '../../support/session-mock';

let noc: { id: number; email: string };
let admin: { id: number; email: string };
let manager: { id: number; email: string };

function filter(query: string) {
  return parseAuditFilter(new URLSearchParams(query));
}

beforeAll(async () => {
  usePortalTestEnv();
  noc = await createUser('noc', 'noc@audit.test');
  admin = await createUser('admin', 'admin@audit.test');
  manager = await createUser('manager', 'manager@audit.test');
  const db = getDb();
  for (let i = 0; i < 60; i++) {
    await db.insert(auditLog).values({ at: `2026-11-0${1 + (i % 5)}T10:00:${String(i).padStart(2, '0')}.000Z`, userId: noc.id, actor: noc.email, action: 'ticket.patch', entityType: 'ticket', entityId: `NOC-2026-${String(i).padStart(6, '0')}` }).run();
  }
  await recordAudit({ userId: noc.id, actor: noc.email, action: 'ticket.close', entityType: 'ticket', entityId: 'NOC-2026-000100', detail: { note: '=HYPERLINK("http://x")' } });
  await recordAudit({ userId: admin.id, actor: admin.email, action: 'listenerCredentials.issue', entityType: 'seller', entityId: 'acme', detail: { clientId: 'portal-acme-1' } });
  await recordAudit({ userId: null, actor: 'system', action: 'delivery.close.accepted', entityType: 'ticket', entityId: 'NOC-2026-000100', detail: { seller: 'acme', outboxId: 7 } });
});

describe('the audit screen’s reads', () => {
  it('pages newest first', async () => {
    const first = await auditPage(filter('').filter);
    expect(first.total).toBe(63);
    expect(first.pages).toBe(2);
    expect(first.rows).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.rows[0]!.action).toBe('delivery.close.accepted');
    const second = await auditPage(filter('page=2').filter);
    expect(second.rows).toHaveLength(63 - AUDIT_PAGE_SIZE);
    expect(second.rows.map((r) => r.id)).not.toContain(first.rows[0]!.id);
    // A page past the end shows the last one.
    expect((await auditPage(filter('page=99').filter)).page).toBe(2);
  });

  it('filters by user, by kind of action, by target and by dates', async () => {
    expect((await auditPage(filter(`user=${admin.id}`).filter)).rows.map((r) => r.action)).toEqual(['listenerCredentials.issue']);
    expect((await auditPage(filter('user=system').filter)).rows.map((r) => r.action)).toEqual(['delivery.close.accepted']);
    expect((await auditPage(filter('category=credentials').filter)).total).toBe(1);
    expect((await auditPage(filter('category=deliveries').filter)).total).toBe(1);
    const ticket = await auditPage(filter('entityType=ticket&entity=NOC-2026-000100').filter);
    expect(ticket.rows.map((r) => r.action)).toEqual(['delivery.close.accepted', 'ticket.close']);
    expect((await auditPage(filter('from=2026-11-02&to=2026-11-03').filter)).total).toBe(24);
    expect((await auditPage(filter(`user=${noc.id}&from=2026-11-05&to=2026-11-05`).filter)).total).toBe(12);
  });

  it('reports each wrong filter under its field and applies the others', async () => {
    const { filter: applied, errors } = filter(`user=someone&category=everything&entityType=ship&from=2026-13-01&to=yesterday&page=-2&entity=${'x'.repeat(250)}`);
    expect(errors).toEqual({
      user: 'Choose a user from the list',
      category: 'Choose a kind of action from the list',
      entityType: 'Choose a target type from the list',
      from: 'Enter a real date',
      to: 'Enter a date as YYYY-MM-DD',
      page: 'Pages start at 1',
      entity: 'At most 200 characters',
    });
    expect(applied).toEqual({ page: 1 });
    const reversed = filter(`user=${admin.id}&from=2026-11-05&to=2026-11-01`);
    expect(reversed.errors).toEqual({ to: 'The end date is before the start date' });
    expect(reversed.filter).toEqual({ user: admin.id, from: '2026-11-05', page: 1 });
  });

  it('reads actions as sentences', () => {
    expect(auditActionLabel('ticket.close')).toBe('Accepted the resolution (close)');
    expect(auditActionLabel('delivery.close.accepted')).toBe('Seller accepted the resolution acceptance (close)');
    expect(auditActionLabel('delivery.create.refused')).toBe('Seller refused the ticket creation');
    expect(auditActionLabel('something.new')).toBe('something.new');
  });
});

describe('the CSV export', () => {
  it('exports what the filter selects, oldest first, with formula cells defused, and records the export', async () => {
    actAs(manager.id);
    const before = (await getDb().select().from(auditLog).all()).length;
    const res = await exportAudit(new Request(`http://127.0.0.1:3000/api/audit/export?user=${noc.id}&category=tickets&entity=NOC-2026-000100`), {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('When (UTC),Who,User id,Action,What,Target type,Target,Details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`noc@audit.test,${noc.id},ticket.close,Accepted the resolution (close),ticket,NOC-2026-000100,`);
    expect(lines[1]).toContain('"{""note"":""=HYPERLINK(\\""http://x\\"")""}"');
    const after = await getDb().select().from(auditLog).all();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ userId: manager.id, action: 'audit.export', entityType: 'audit', detail: { rows: 1, truncated: false } });
  });

  it('refuses a wrong filter with its errors and records nothing', async () => {
    actAs(admin.id);
    const before = (await getDb().select().from(auditLog).all()).length;
    const res = await exportAudit(new Request('http://127.0.0.1:3000/api/audit/export?from=31/12/2026'), {});
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Some filters are not valid.', errors: { from: 'Enter a date as YYYY-MM-DD' } });
    expect(await getDb().select().from(auditLog).all()).toHaveLength(before);
  });

  it('is refused to NOC operators and coordinators', async () => {
    for (const role of ['noc', 'coordinator'] as const) {
      actAs((await createUser(role, `${role}-2@audit.test`)).id);
      const res = await exportAudit(new Request('http://127.0.0.1:3000/api/audit/export'), {});
      expect(res.status, role).toBe(403);
    }
  });
});
