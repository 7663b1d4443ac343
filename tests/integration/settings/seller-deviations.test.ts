import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db';
import { auditLog, ROLES } from '@/db/schema';
import { SellerDeviationsForm } from '@/components/settings/seller-deviations-form';
import { createSeller } from '@/lib/actions/sellers';
import { setToleratedDeviations } from '@/lib/actions/seller-deviations';
import { getSellerToleratedDeviations } from '@/lib/data/sellers';
import { KNOWN_DEVIATIONS, KNOWN_DEVIATION_NAMES, type ToleratedDeviations } from '@/lib/sonata/deviations';
import { actAs } from '../../support/session-mock';
import { createUser, usePortalTestEnv } from '../../support/portal-env';
import { sellerForm, snapshot } from './settings-fixture';

let adminId: number;

beforeEach(async () => {
  usePortalTestEnv();
  adminId = (await createUser('admin')).id;
  actAs(adminId);
  expect(await createSeller(sellerForm())).toMatchObject({ ok: true });
});

const SWITCHES = KNOWN_DEVIATION_NAMES.map((name) => ({ name, ...KNOWN_DEVIATIONS[name] }));

/** What a browser posts for the form as rendered: ticked checkboxes and every line's text inputs. */
function postedForm(html: string): FormData {
  const form = new FormData();
  for (const tag of html.match(/<input[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (!name) continue;
    const value = (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    if (/type="checkbox"/.test(tag) && !/checked=""/.test(tag)) continue;
    form.append(name, /type="checkbox"/.test(tag) ? value : value);
  }
  return form;
}

function render(tolerated: ToleratedDeviations): string {
  return renderToStaticMarkup(
    createElement(SellerDeviationsForm, { slug: 'acme', switches: SWITCHES, known: tolerated.known, allowed: tolerated.allowed }),
  );
}

describe('editing a Seller’s tolerated deviations', () => {
  it('is refused without a session and to every role but admin, and changes nothing', async () => {
    const input = { slug: 'acme', known: ['unknownMembers'], allowed: [{ path: '/sellerRef' }] };
    const before = await snapshot();
    actAs(null);
    expect(await setToleratedDeviations(input)).toMatchObject({ ok: false, status: 401 });
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      actAs((await createUser(role, `${role}@deviations.test`)).id);
      expect(await setToleratedDeviations(input), role).toMatchObject({ ok: false, status: 403 });
    }
    expect(await snapshot()).toEqual({ ...before, users: expect.any(Array) });
    expect(await getSellerToleratedDeviations('acme')).toEqual({ known: KNOWN_DEVIATION_NAMES, allowed: [] });
  });

  it('refuses bad allowances and unknown switches with field errors under the line, saving nothing', async () => {
    const form = new FormData();
    form.set('slug', 'acme');
    form.append('known', 'unknownMembers');
    form.append('known', 'everythingGoes');
    form.set('allowed.0.path', '/relatedEntity/*/role');
    form.set('allowed.1.path', 'relatedEntity');
    form.set('allowed.2.operationId', 'dropEverything');
    form.set('allowed.2.path', '/note');
    form.set('allowed.3.path', '/note');
    form.set('allowed.3.keyword', 'not a keyword');
    form.set('allowed.4.operationId', 'retrieveTroubleTicket');
    const before = await snapshot();
    const state = await setToleratedDeviations(null, form);
    expect(state).toMatchObject({ ok: false, status: 400 });
    expect(Object.keys(state.errors!).sort()).toEqual(['allowed.1.path', 'allowed.2.operationId', 'allowed.3.keyword', 'allowed.4.path', 'known.1']);
    expect(state.errors!['allowed.1.path']![0]).toMatch(/JSON Pointer/);
    expect(state.errors!['allowed.2.operationId']![0]).toMatch(/Not an operation/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an unknown Seller', async () => {
    expect(await setToleratedDeviations({ slug: 'nobody', known: [], allowed: [] })).toMatchObject({ ok: false, status: 404 });
  });

  it('saves good ones: switches in their order, blank and repeated lines dropped, audited; the wire reads them', async () => {
    const form = new FormData();
    form.set('slug', 'acme');
    form.append('known', 'unknownMembers');
    form.append('known', 'mediaTypeWithoutCharset');
    form.set('allowed.0.operationId', 'retrieveTroubleTicket');
    form.set('allowed.0.path', '/relatedEntity/*/role');
    form.set('allowed.0.keyword', 'enum');
    form.set('allowed.1.path', '');
    form.set('allowed.2.path', ' /note ');
    form.set('allowed.3.path', '/note');
    form.set('allowed.4.keyword', 'mediaType');
    const state = await setToleratedDeviations(null, form);
    expect(state).toMatchObject({ ok: true, data: { slug: 'acme' } });
    const saved = await getSellerToleratedDeviations('acme');
    expect(saved).toEqual({
      known: ['mediaTypeWithoutCharset', 'unknownMembers'],
      allowed: [{ operationId: 'retrieveTroubleTicket', path: '/relatedEntity/*/role', keyword: 'enum' }, { path: '/note' }, { path: '', keyword: 'mediaType' }],
    });
    const entries = await getDb().select().from(auditLog).where(eq(auditLog.action, 'seller.deviations')).all();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.detail).toMatchObject({ to: saved });

    // Ticking nothing and clearing every line is strict: nothing tolerated.
    const strict = new FormData();
    strict.set('slug', 'acme');
    strict.set('allowed.0.path', '');
    expect(await setToleratedDeviations(null, strict)).toMatchObject({ ok: true });
    expect(await getSellerToleratedDeviations('acme')).toEqual({ known: [], allowed: [] });
  });

  it('what the form sends round-trips: rendered, posted unchanged, stored the same (and nothing changes)', async () => {
    const original: ToleratedDeviations = {
      known: ['listItemsMissingRequired', 'bareWorkOrderList'],
      allowed: [
        { operationId: 'listAppointment', path: '/*/relatedPlace', keyword: 'required' },
        { path: '/lastUpdate' },
        { path: '', keyword: 'mediaType' },
      ],
    };
    expect(await setToleratedDeviations({ slug: 'acme', ...original })).toMatchObject({ ok: true });
    const stored = (await getSellerToleratedDeviations('acme'))!;
    expect(stored).toEqual(original);

    const html = render(stored);
    expect(html.match(/type="checkbox"/g)).toHaveLength(KNOWN_DEVIATION_NAMES.length);
    const posted = postedForm(html);
    expect(posted.getAll('known')).toEqual(original.known);
    expect(await setToleratedDeviations(null, posted)).toMatchObject({ ok: true, message: 'Nothing changed.' });
    expect(await getSellerToleratedDeviations('acme')).toEqual(original);

    // Unticking one switch in the browser and clearing one line saves exactly that.
    posted.delete('known');
    posted.append('known', 'bareWorkOrderList');
    posted.set('allowed.1.path', '');
    expect(await setToleratedDeviations(null, posted)).toMatchObject({ ok: true });
    expect(await getSellerToleratedDeviations('acme')).toEqual({ known: ['bareWorkOrderList'], allowed: [original.allowed[0], original.allowed[2]] });
  });
});
