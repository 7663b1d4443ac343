'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { createSeller, updateSeller } from '@/lib/actions/sellers';
import type { SellerView } from '@/lib/data/sellers';
import {
  DEFAULT_REFERENCE_POINT,
  mefBasePaths,
  REFERENCE_POINT_LABELS,
  REFERENCE_POINT_VALUES,
  SCOPE_MODE_LABELS,
  SCOPE_MODE_VALUES,
  TIMEOUT_DEFAULT_MS,
  TIMEOUT_MAX_MS,
  TIMEOUT_MIN_MS,
  type ReferencePoint,
  type ScopeMode,
} from '@/lib/domain/seller-registry';
import { FormStatus } from './form-status';
import { useSettingsForm } from './use-settings-form';

export interface SellerFormProps {
  /** The Seller being edited; absent when adding one. */
  seller?: SellerView;
}

const URL_FIELDS = [
  { name: 'troubleTicketBaseUrl', label: 'Trouble Ticket and Incident v4 base URL', api: 'troubleTicket' },
  { name: 'appointmentBaseUrl', label: 'Appointment v2 base URL', api: 'appointment' },
  { name: 'workOrderBaseUrl', label: 'Work Order v2 base URL', api: 'workOrder' },
] as const;

export function SellerForm({ seller }: SellerFormProps) {
  const editing = seller !== undefined;
  const router = useRouter();
  const { state, pending, onSubmit, errorOf } = useSettingsForm(editing ? updateSeller : createSeller);
  const [scopeMode, setScopeMode] = useState<ScopeMode>(seller?.scopeMode ?? 'operation');
  const [referencePoint, setReferencePoint] = useState<ReferencePoint>(seller?.referencePoint ?? DEFAULT_REFERENCE_POINT);
  const basePaths = mefBasePaths(referencePoint);

  const secretRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!state.ok) return;
    if (!editing && state.data?.slug) router.push(`/settings/sellers/${state.data.slug}`);
    // The new secret is stored; the masked hint now shows it, so the field goes back to "keep".
    if (editing && secretRef.current) secretRef.current.value = '';
  }, [state, editing, router]);

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-6">
      <FormStatus state={state} />

      <Card title="Identity">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Display name" required error={errorOf('name')}>
            <Input name="name" defaultValue={seller?.name} autoComplete="off" maxLength={100} />
          </Field>
          <Field
            label="Slug"
            required
            error={errorOf('slug')}
            hint={
              editing
                ? 'Fixed once created: it is the Seller’s callback prefix on the portal (/sellers/<slug>).'
                : 'Lowercase letters, digits and hyphens. Also the Seller’s callback prefix (/sellers/<slug>); it cannot change later.'
            }
          >
            <Input
              name="slug"
              defaultValue={seller?.slug}
              readOnly={editing}
              autoComplete="off"
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              maxLength={40}
              className="font-mono"
            />
          </Field>
        </div>
      </Card>

      <Card title="Seller APIs" description="Base URLs up to and including the API version, without a trailing slash.">
        <div className="flex flex-col gap-4">
          <Field
            label="Reference point"
            required
            error={errorOf('referencePoint')}
            hint={
              <>
                Its APIs and the listeners it calls on the portal are under{' '}
                <code className="font-mono">/mefApi/{referencePoint}/</code>.
              </>
            }
            className="max-w-md"
          >
            <Select
              name="referencePoint"
              value={referencePoint}
              onChange={(e) => setReferencePoint(e.target.value as ReferencePoint)}
              options={REFERENCE_POINT_VALUES.map((v) => ({ value: v, label: REFERENCE_POINT_LABELS[v] }))}
            />
          </Field>
          {URL_FIELDS.map((f) => (
            <Field
              key={f.name}
              label={f.label}
              required
              error={errorOf(f.name)}
              hint={
                <>
                  Usually ends with <code className="font-mono">{basePaths[f.api]}</code>
                </>
              }
            >
              <Input
                name={f.name}
                type="url"
                defaultValue={seller?.[f.name]}
                placeholder={`https://seller.example${basePaths[f.api]}`}
                className="font-mono"
              />
            </Field>
          ))}
          <Field
            label="Request timeout (ms)"
            error={errorOf('timeoutMs')}
            hint={`Between ${TIMEOUT_MIN_MS.toLocaleString('en')} and ${TIMEOUT_MAX_MS.toLocaleString('en')} ms.`}
            className="max-w-xs"
          >
            <Input
              name="timeoutMs"
              type="number"
              min={TIMEOUT_MIN_MS}
              max={TIMEOUT_MAX_MS}
              step={500}
              defaultValue={seller?.timeoutMs ?? TIMEOUT_DEFAULT_MS}
            />
          </Field>
        </div>
      </Card>

      <Card title="OAuth2 client credentials" description="The Buyer’s client at this Seller’s token endpoint.">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Token URL" required error={errorOf('tokenUrl')} className="sm:col-span-2">
            <Input name="tokenUrl" type="url" defaultValue={seller?.tokenUrl} className="font-mono" />
          </Field>
          <Field label="Client id" required error={errorOf('clientId')}>
            <Input name="clientId" defaultValue={seller?.clientId} autoComplete="off" className="font-mono" />
          </Field>
          <Field
            label="Client secret"
            required={!editing}
            error={errorOf('clientSecret')}
            hint={editing ? `Stored: ${seller.clientSecretMasked}. Leave blank to keep it, unless a URL moves to another host.` : 'Stored encrypted; never shown again in full.'}
          >
            <Input ref={secretRef} name="clientSecret" type="password" autoComplete="new-password" className="font-mono" />
          </Field>
          <Field label="Scope" required error={errorOf('scopeMode')}>
            <Select
              name="scopeMode"
              value={scopeMode}
              onChange={(e) => setScopeMode(e.target.value as ScopeMode)}
              options={SCOPE_MODE_VALUES.map((v) => ({ value: v, label: SCOPE_MODE_LABELS[v] }))}
            />
          </Field>
          <Field
            label="Fixed scope"
            required={scopeMode === 'fixed'}
            error={errorOf('fixedScope')}
            hint={scopeMode === 'fixed' ? 'Sent as the scope of every token request.' : 'Only used with a fixed scope.'}
          >
            <Input name="fixedScope" defaultValue={seller?.fixedScope ?? ''} disabled={scopeMode !== 'fixed'} className="font-mono" />
          </Field>
        </div>
      </Card>

      <Card
        title="Multi-party identifiers"
        description="Only when your organisation acts for several Buyers, or this Seller answers for several Sellers, towards the same endpoint (MEF 79). Otherwise leave both blank: they must not be sent."
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="buyerId" optional error={errorOf('buyerId')}>
            <Input name="buyerId" defaultValue={seller?.buyerId ?? ''} autoComplete="off" className="font-mono" />
          </Field>
          <Field label="sellerId" optional error={errorOf('sellerId')}>
            <Input name="sellerId" defaultValue={seller?.sellerId ?? ''} autoComplete="off" className="font-mono" />
          </Field>
        </div>
      </Card>

      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={pending}>
          {editing ? 'Save changes' : 'Add Seller'}
        </Button>
        <Button variant="ghost" onClick={() => router.push('/settings/sellers')}>
          Back to Sellers
        </Button>
      </div>
    </form>
  );
}
