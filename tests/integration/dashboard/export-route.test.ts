import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

import { GET } from '@/app/api/dashboard/export/route';
import { routePermission } from '@/lib/auth/route-guard';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { seedDashboardFixture } from './fixture';

const get = (query: string) => GET(new Request(`http://127.0.0.1:3000/api/dashboard/export?${query}`), {} as never);

describe('dashboard CSV export route', () => {
  beforeEach(async () => {
    usePortalTestEnv();
    await seedDashboardFixture();
  });

  it('is guarded by dashboard.view', () => {
    expect(routePermission(GET)).toBe('dashboard.view');
  });

  it('refuses without a session', async () => {
    actAs(null);
    const res = await get('table=open-by-seller');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).not.toMatch(/csv/);
  });

  it('refuses a deactivated user', async () => {
    const user = await createUser('manager');
    const { getDb } = await import('@/db');
    const { users } = await import('@/db/schema');
    await getDb().update(users).set({ active: false });
    actAs(user.id);
    expect((await get('table=open-by-seller')).status).toBe(401);
  });

  it('exports the table a manager sees, as CSV, for the Seller in the URL', async () => {
    const manager = await createUser('manager');
    actAs(manager.id);
    const res = await get('table=open-by-seller&range=7d');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="dashboard-open-by-seller-all-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('Seller,Acknowledged,In progress,Waiting for you,Resolved,Reopened,Cancellation requested,Total');
    expect(lines.slice(1)).toEqual(['Acme,1,0,1,1,0,0,3', 'Globex,0,1,0,0,0,0,1']);

    const globex = await get('table=open-by-seller&seller=globex');
    expect((await globex.text()).trim().split('\r\n').slice(1)).toEqual(['Globex,0,1,0,0,0,0,1']);
    expect(globex.headers.get('content-disposition')).toMatch(/dashboard-open-by-seller-globex-/);
  });

  it('lets every role view, and rejects an unknown table', async () => {
    for (const role of ['noc', 'coordinator', 'admin'] as const) {
      const user = await createUser(role);
      actAs(user.id);
      expect((await get('table=open-by-severity')).status).toBe(200);
    }
    const res = await get('table=secrets');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/Unknown table/);
  });
});
