import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

import fs from 'node:fs';
import path from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sellers, tickets } from '@/db/schema';
import { ExternalLink } from '@/components/links/external-link';
import { externalUrl, leaveHref } from '@/lib/security/external-link';
import { GET as attachmentRoute } from '@/app/api/tickets/[seller]/[id]/attachments/[index]/route';
import LeavePage from '@/app/(portal)/leave/page';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';

const ROOT = path.resolve(import.meta.dirname, '../..');

const REFUSED = [
  'javascript:alert(document.cookie)',
  ' JavaScript:alert(1)',
  'JAVASCRIPT:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://files.seller.example/report.pdf',
  '//evil.example/phish',
  '/settings/users',
  'https://user:password@evil.example/',
  'https://',
  'not a url',
];

describe('one http(s) rule for links that leave the portal', () => {
  it('accepts absolute http and https URLs only', () => {
    expect(externalUrl('https://files.seller.example/report.pdf?x=1#p2')?.href).toBe('https://files.seller.example/report.pdf?x=1#p2');
    expect(externalUrl('HTTP://Files.Seller.Example/a')?.href).toBe('http://files.seller.example/a');
    for (const value of REFUSED) expect(externalUrl(value), value).toBeNull();
    expect(externalUrl(undefined)).toBeNull();
    expect(externalUrl(42)).toBeNull();
  });

  it('links go through the interstitial, refused values are plain text', () => {
    expect(leaveHref('https://files.seller.example/a b')).toBe(`/leave?to=${encodeURIComponent('https://files.seller.example/a%20b')}`);
    const ok = renderToStaticMarkup(ExternalLink({ href: 'https://files.seller.example/r.pdf', children: 'r.pdf' }));
    expect(ok).toContain(`href="/leave?to=${encodeURIComponent('https://files.seller.example/r.pdf')}"`);
    expect(ok).toContain('rel="noopener noreferrer"');
    for (const value of REFUSED) {
      const html = renderToStaticMarkup(ExternalLink({ href: value, children: 'x' }));
      expect(html, value).not.toContain('href=');
    }
  });

  it('no page or component links a Seller URL directly: every href holding a URL goes through ExternalLink', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.tsx') && !file.endsWith(path.join('links', 'external-link.tsx'))) {
          const text = fs.readFileSync(file, 'utf8');
          for (const match of text.matchAll(/<(?:a|Link)\b[^>]*?href=\{([^}]*)\}/g)) {
            if (/\burl\b|Url\b/.test(match[1]!)) offenders.push(`${path.relative(ROOT, file)}: href={${match[1]}}`);
          }
        }
      }
    };
    walk(path.join(ROOT, 'app'));
    walk(path.join(ROOT, 'components'));
    // The interstitial itself is the one place that links the destination, after showing it.
    expect(offenders).toEqual(['app/(portal)/leave/page.tsx: href={url.href}']);
  });
});

describe('the ticket attachment route is no open redirect', () => {
  const attachments = [
    { name: 'report.pdf', url: 'https://files.seller.example/report.pdf', mimeType: 'application/pdf' },
    { name: 'evil', url: 'javascript:alert(document.cookie)' },
    { name: 'relative', url: '//evil.example/phish' },
    { name: 'credentials', url: 'https://user:password@evil.example/' },
  ];

  beforeEach(async () => {
    usePortalTestEnv();
    actAs((await createUser('noc')).id);
    const seller = await getDb()
      .insert(sellers)
      .values({ slug: 'acme', name: 'Acme', troubleTicketBaseUrl: 'https://a/tt', appointmentBaseUrl: 'https://a/ap', workOrderBaseUrl: 'https://a/wo', tokenUrl: 'https://a/t', clientId: 'c', clientSecretEnc: 'x' })
      .returning()
      .get();
    const document = { id: 'TT-1', status: 'inProgress', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'down', attachment: attachments };
    await getDb()
      .insert(tickets)
      .values({ sellerId: seller.id, sellerTicketId: 'TT-1', externalId: 'NOC-1', productId: 'P-1', description: 'd', severity: 'minor', priority: 'low', ticketType: 'assistance', observedImpact: 'down', status: 'inProgress', document })
      .run();
  });

  const get = (index: number) =>
    attachmentRoute(new Request(`http://127.0.0.1:3000/api/tickets/acme/TT-1/attachments/${index}`), {
      params: Promise.resolve({ seller: 'acme', id: 'TT-1', index: String(index) }),
    });

  it('sends a URL attachment to the interstitial on our own origin, never to the Seller URL', async () => {
    const res = await get(0);
    expect(res.status).toBe(303);
    const location = res.headers.get('Location')!;
    expect(location).toBe(`/leave?to=${encodeURIComponent('https://files.seller.example/report.pdf')}`);
    expect(new URL(location, 'http://127.0.0.1:3000').origin).toBe('http://127.0.0.1:3000');
  });

  it('answers 404 for a URL that is not http(s), with no Location at all', async () => {
    for (const index of [1, 2, 3]) {
      const res = await get(index);
      expect(res.status, attachments[index]!.url).toBe(404);
      expect(res.headers.get('Location')).toBeNull();
    }
  });
});

describe('the interstitial', () => {
  beforeEach(async () => {
    usePortalTestEnv();
    actAs((await createUser('manager')).id);
  });

  const render = async (to: string | undefined) =>
    renderToStaticMarkup(await LeavePage({ searchParams: Promise.resolve(to === undefined ? {} : { to }) }));

  it('shows the destination host and full URL before the operator chooses to go', async () => {
    const html = await render('http://files.seller.example/report.pdf?id=7');
    expect(html).toContain('You are leaving the portal');
    expect(html).toContain('data-testid="leave-host">files.seller.example<');
    expect(html).toContain('http://files.seller.example/report.pdf?id=7');
    expect(html).toContain('not encrypted: http');
    expect(html).toMatch(/<a href="http:\/\/files\.seller\.example\/report\.pdf\?id=7" rel="noopener noreferrer" referrerPolicy="no-referrer"|<a href="http:\/\/files\.seller\.example\/report\.pdf\?id=7" rel="noopener noreferrer" referrerpolicy="no-referrer"/);
  });

  it('offers no link for anything that is not an http(s) URL', async () => {
    for (const value of [...REFUSED, undefined]) {
      const html = await render(value);
      expect(html, String(value)).toContain('This link is not followed');
      expect(html, String(value)).not.toContain('leave-continue');
    }
  });
});
