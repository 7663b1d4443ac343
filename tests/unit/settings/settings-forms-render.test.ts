import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

import { SellerForm } from '@/components/settings/seller-form';
import { SellersTable } from '@/components/settings/sellers-table';
import type { SellerView } from '@/lib/data/sellers';

const seller: SellerView = {
  id: 1,
  slug: 'acme',
  name: 'Acme Networks',
  enabled: true,
  troubleTicketBaseUrl: 'http://127.0.0.1:4010/acme/mefApi/sonata/troubleTicket/v4',
  appointmentBaseUrl: 'http://127.0.0.1:4010/acme/mefApi/sonata/appointment/v2',
  workOrderBaseUrl: 'http://127.0.0.1:4010/acme/mefApi/sonata/workOrderManagement/v2',
  tokenUrl: 'http://127.0.0.1:4010/acme/oauth2/token',
  clientId: 'buyer-acme',
  clientSecretMasked: '••••wxyz',
  scopeMode: 'operation',
  fixedScope: null,
  buyerId: null,
  sellerId: null,
  timeoutMs: 8000,
  referencePoint: 'sonata',
  origin: 'file',
  updatedAt: '2026-01-01T00:00:00.000Z',
  productCount: 3,
};

function inputTag(html: string, name: string): string {
  const tag = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0];
  if (!tag) throw new Error(`no input named ${name}`);
  return tag;
}

describe('Seller settings screens', () => {
  it('edit form: blank secret field, masked hint, fixed slug, expected URL suffixes', () => {
    const html = renderToStaticMarkup(createElement(SellerForm, { seller }));
    expect(inputTag(html, 'clientSecret')).not.toContain('value=');
    expect(inputTag(html, 'clientSecret')).not.toContain('required');
    expect(html).toContain('Stored: ••••wxyz. Leave blank to keep it, unless a URL moves to another host.');
    expect(inputTag(html, 'slug')).toContain('readOnly=""');
    expect(html).toContain('/mefApi/sonata/workOrderManagement/v2');
    expect(html).toContain('value="8000"');
    expect(html).toContain('MEF 79');
  });

  it('edit form of a Cantata provider: the reference point is chosen and the URL hints follow it', () => {
    const cantata = Object.fromEntries(
      Object.entries(seller).map(([k, v]) => [k, typeof v === 'string' ? v.replace('/mefApi/sonata/', '/mefApi/cantata/') : v]),
    ) as SellerView;
    const html = renderToStaticMarkup(createElement(SellerForm, { seller: { ...cantata, referencePoint: 'cantata' } }));
    expect(html).toMatch(/<select[^>]*name="referencePoint"/);
    expect(html).toMatch(/<option value="cantata" selected="">/);
    expect(html).toContain('/mefApi/cantata/workOrderManagement/v2');
    expect(html).not.toContain('/mefApi/sonata/workOrderManagement/v2');
  });

  it('add form: the secret is required and the slug editable', () => {
    const html = renderToStaticMarkup(createElement(SellerForm, {}));
    expect(inputTag(html, 'clientSecret')).toContain('required=""');
    expect(inputTag(html, 'slug')).not.toContain('readOnly');
  });

  it('list: shows the masked secret and where the Seller comes from', () => {
    const html = renderToStaticMarkup(createElement(SellersTable, { sellers: [seller] }));
    expect(html).toContain('••••wxyz');
    expect(html).toContain('Sellers file');
    expect(html).toContain('href="/settings/products?seller=acme"');
  });
});
