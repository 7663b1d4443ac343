import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { ticketAttachmentUploads } from '@/db/schema';
import { POST as uploadAttachment } from '@/app/api/tickets/attachments/route';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';

beforeAll(async () => {
  usePortalTestEnv();
  actAs((await createUser('noc')).id);
});

/**
 * A page on another site (or another port of the same host, which SameSite=Lax treats as the same site) can make a
 * signed-in operator's browser POST a file here: the route has no Origin check.
 * Fix: in lib/auth/route-guard.ts guardedRoute (line 16), before requirePermission:
 *   const refused = crossSiteRefusal(request); if (refused) return refused;   (lib/security/same-origin.ts)
 */
describe('staging an attachment', () => {
  it.each(['https://evil.example', 'http://127.0.0.1:3001', 'null'])('refuses a POST from origin %s', async (origin) => {
    const form = new FormData();
    form.set('file', new File(['payload'], 'x.txt', { type: 'text/plain' }));
    const res = await uploadAttachment(
      new Request('http://127.0.0.1:3000/api/tickets/attachments', { method: 'POST', headers: { origin, host: '127.0.0.1:3000' }, body: form }),
      undefined,
    );
    expect(res.status).toBe(403);
    expect(await getDb().select().from(ticketAttachmentUploads).all()).toHaveLength(0);
  });
});
