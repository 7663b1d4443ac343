import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { createSeller, updateSeller } from '@/lib/actions/sellers';
import { getSellerBySlug, sellerConnection } from '@/lib/sellers/registry';
import { actAs } from '../support/session-mock';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { SELLER_SECRET, sellerForm, snapshot, toFormData } from '../integration/settings/settings-fixture';

const FIELDS = ['tokenUrl', 'troubleTicketBaseUrl', 'appointmentBaseUrl', 'workOrderBaseUrl'] as const;

beforeEach(async () => {
  usePortalTestEnv();
  actAs((await createUser('admin')).id);
  await createSeller(sellerForm());
});

/** The stored form with one URL moved: same path, another origin. */
function moved(field: (typeof FIELDS)[number], origin: string, extra: Record<string, string> = {}) {
  const form = sellerForm({ clientSecret: '', ...extra });
  const url = new URL(form[field]!);
  form[field] = `${origin}${url.pathname}`;
  return form;
}

describe('a Seller URL that moves to another host needs the client secret again', () => {
  for (const field of FIELDS) {
    it(`${field} on another host with the secret left "unchanged" is refused under the secret field, saving nothing`, async () => {
      const before = await snapshot();
      const state = await updateSeller(null, toFormData(moved(field, 'https://collector.example.net')));
      expect(state).toMatchObject({ ok: false, status: 400 });
      expect(state.errors?.clientSecret).toEqual([
        "The Seller's address has moved to another host (https://collector.example.net): enter the client secret again to send it there",
      ]);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('another port or scheme on the same host is another origin too', async () => {
    for (const origin of ['http://127.0.0.1:4011', 'https://127.0.0.1:4010']) {
      const state = await updateSeller(moved('tokenUrl', origin));
      expect(state.ok).toBe(false);
      expect(state.errors?.clientSecret?.[0]).toContain(origin);
    }
    expect(sellerConnection((await getSellerBySlug('acme'))!).oauth.tokenUrl).toBe('http://127.0.0.1:4010/acme/oauth2/token');
  });

  it('a new path on the same origin keeps the stored secret', async () => {
    const state = await updateSeller(sellerForm({ clientSecret: '', tokenUrl: 'http://127.0.0.1:4010/acme/oauth2/v2/token' }));
    expect(state.ok).toBe(true);
    const conn = sellerConnection((await getSellerBySlug('acme'))!);
    expect(conn.oauth).toMatchObject({ tokenUrl: 'http://127.0.0.1:4010/acme/oauth2/v2/token', clientSecret: SELLER_SECRET });
  });

  it('with the secret entered again, the move is saved with the new secret', async () => {
    const state = await updateSeller(moved('troubleTicketBaseUrl', 'https://seller.example.net', { clientSecret: 'secret-for-the-new-host' }));
    expect(state.ok).toBe(true);
    const conn = sellerConnection((await getSellerBySlug('acme'))!);
    expect(conn.baseUrls.troubleTicket).toBe('https://seller.example.net/acme/mefApi/sonata/troubleTicket/v4');
    expect(conn.oauth.clientSecret).toBe('secret-for-the-new-host');
  });
});

describe('the Seller form says at once when a URL names an address Seller calls may not reach', () => {
  it('a loopback, private or link-local address not in SELLER_EGRESS_ALLOW is refused under its field, saving nothing', async () => {
    process.env.SELLER_EGRESS_ALLOW = '';
    const before = await snapshot();
    const state = await updateSeller(
      sellerForm({
        clientSecret: 'secret-again',
        tokenUrl: 'http://169.254.169.254/latest/meta-data',
        troubleTicketBaseUrl: 'http://10.0.0.5:8080/acme/mefApi/sonata/troubleTicket/v4',
        appointmentBaseUrl: 'http://localhost:4010/acme/mefApi/sonata/appointment/v2',
        workOrderBaseUrl: 'http://[::1]:4010/acme/mefApi/sonata/workOrderManagement/v2',
      }),
    );
    expect(state).toMatchObject({ ok: false, status: 400 });
    expect(state.errors).toEqual({
      tokenUrl: ['169.254.169.254 is a link-local address: Seller calls to it are refused unless SELLER_EGRESS_ALLOW lists it'],
      troubleTicketBaseUrl: ['10.0.0.5 is a private address: Seller calls to it are refused unless SELLER_EGRESS_ALLOW lists it'],
      appointmentBaseUrl: ['localhost is a loopback address: Seller calls to it are refused unless SELLER_EGRESS_ALLOW lists it'],
      workOrderBaseUrl: ['::1 is a loopback address: Seller calls to it are refused unless SELLER_EGRESS_ALLOW lists it'],
    });
    const created = await createSeller(sellerForm({ slug: 'globex', name: 'Globex' }));
    expect(created.errors?.tokenUrl?.[0]).toContain('127.0.0.1 is a loopback address');
    expect(await snapshot()).toEqual(before);
  });

  it('an address SELLER_EGRESS_ALLOW lists is accepted', async () => {
    process.env.SELLER_EGRESS_ALLOW = '127.0.0.1,10.0.0.0/8';
    const state = await updateSeller(sellerForm({ clientSecret: 'again', troubleTicketBaseUrl: 'http://10.0.0.5:8080/acme/mefApi/sonata/troubleTicket/v4' }));
    expect(state.ok).toBe(true);
  });
});
