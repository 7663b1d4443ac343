'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { createProduct, updateProduct } from '@/lib/actions/products';
import type { ProductView } from '@/lib/data/products';
import { FormStatus } from './form-status';
import { useSettingsForm } from './use-settings-form';

export interface ProductFormProps {
  sellers: ReadonlyArray<{ slug: string; name: string }>;
  /** The product being edited; absent when adding one. */
  product?: ProductView;
  /** Pre-selected Seller when adding. */
  defaultSeller?: string;
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

export function ProductForm({ sellers, product, defaultSeller }: ProductFormProps) {
  const editing = product !== undefined;
  const router = useRouter();
  const zonesId = useId();
  const zones = useMemo(timeZones, []);
  const { state, pending, onSubmit, errorOf } = useSettingsForm(editing ? updateProduct : createProduct);

  useEffect(() => {
    if (state.ok && !editing && state.data) router.push(`/settings/products?seller=${state.data.seller}`);
  }, [state, editing, router]);

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
      <FormStatus state={state} />
      {editing ? <input type="hidden" name="id" value={product.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {editing ? (
          <Field label="Seller" hint="A product stays with its Seller; delete it and add it again to move it.">
            <Input value={`${product.sellerName} (${product.sellerSlug})`} readOnly />
          </Field>
        ) : (
          <Field label="Seller" required error={errorOf('seller')}>
            <Select
              name="seller"
              defaultValue={defaultSeller ?? ''}
              placeholder="Choose a Seller…"
              options={sellers.map((s) => ({ value: s.slug, label: s.name }))}
            />
          </Field>
        )}
        <Field
          label="Product id"
          required
          error={errorOf('productId')}
          hint="The Seller’s identifier of the product, as sent in tickets (unique per Seller)."
        >
          <Input name="productId" defaultValue={product?.productId} autoComplete="off" className="font-mono" />
        </Field>
        <Field label="Label" required error={errorOf('label')} className="sm:col-span-2" hint="How your teams call it.">
          <Input name="label" defaultValue={product?.label} autoComplete="off" />
        </Field>
        <Field label="Site id" optional error={errorOf('siteId')}>
          <Input name="siteId" defaultValue={product?.siteId} autoComplete="off" className="font-mono" />
        </Field>
        <Field label="Site name" optional error={errorOf('siteName')}>
          <Input name="siteName" defaultValue={product?.siteName} autoComplete="off" />
        </Field>
        <Field label="Site address" optional error={errorOf('siteAddress')} className="sm:col-span-2">
          <Input name="siteAddress" defaultValue={product?.siteAddress} autoComplete="off" />
        </Field>
        <Field
          label="Site time zone"
          required
          error={errorOf('siteTimeZone')}
          hint="IANA name, e.g. Europe/Paris: appointment slots are shown in it."
        >
          <Input name="siteTimeZone" defaultValue={product?.siteTimeZone ?? ''} list={zonesId} autoComplete="off" />
        </Field>
        <datalist id={zonesId}>
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={pending}>
          {editing ? 'Save product' : 'Add product'}
        </Button>
        <Button variant="ghost" onClick={() => router.push('/settings/products')}>
          Back to products
        </Button>
      </div>
    </form>
  );
}
