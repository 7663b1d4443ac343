import fs from 'node:fs';

/** One Seller as the sandbox's discovery endpoint (GET /_sandbox/sellers) describes it. */
export interface DiscoveredSeller {
  slug: string;
  name: string;
  /** Absent from sandboxes older than the Cantata provider: Sonata. */
  referencePoint?: 'sonata' | 'cantata';
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  offersIncidents: boolean;
  products: Array<{
    id: string;
    name: string;
    site?: { id: string; name: string; address?: Record<string, string | undefined> | string; timeZone: string };
  }>;
}

export function formatSiteAddress(address: Record<string, string | undefined> | string | undefined): string {
  if (!address) return '';
  if (typeof address === 'string') return address;
  const street = [address.streetNr, address.streetName].filter(Boolean).join(' ');
  return [street, [address.postcode, address.city].filter(Boolean).join(' '), address.stateOrProvince, address.country]
    .filter(Boolean)
    .join(', ');
}

export async function discoverSandboxSellers(sandboxUrl: string): Promise<DiscoveredSeller[]> {
  const res = await fetch(`${sandboxUrl.replace(/\/$/, '')}/_sandbox/sellers`);
  if (!res.ok) throw new Error(`sandbox discovery answered ${res.status}`);
  return ((await res.json()) as { sellers: DiscoveredSeller[] }).sellers;
}

/** The sandbox's Sellers as entries of a sellers file (lib/sync/sellers-file.ts). */
export function sellersFileEntries(
  sellers: ReadonlyArray<Omit<DiscoveredSeller, 'offersIncidents'>>,
  only?: readonly string[],
) {
  return sellers
    .filter((s) => !only || only.includes(s.slug))
    .map((s) => ({
      slug: s.slug,
      name: s.name,
      troubleTicketBaseUrl: s.baseUrls.troubleTicket,
      appointmentBaseUrl: s.baseUrls.appointment,
      workOrderBaseUrl: s.baseUrls.workOrder,
      tokenUrl: s.tokenUrl,
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      scopeMode: 'operation' as const,
      timeoutMs: 10_000,
      referencePoint: s.referencePoint ?? 'sonata',
      enabled: true,
      products: s.products.map((p) => ({
        productId: p.id,
        label: p.name,
        siteId: p.site?.id ?? '',
        siteName: p.site?.name ?? '',
        siteAddress: formatSiteAddress(p.site?.address),
        siteTimeZone: p.site?.timeZone ?? 'UTC',
      })),
    }));
}

/** Writes a sellers file for the sandbox at `sandboxUrl` (owner-only permissions: it holds client secrets). */
export async function writeSandboxSellersFile(sandboxUrl: string, file: string, only?: readonly string[]): Promise<number> {
  const entries = sellersFileEntries(await discoverSandboxSellers(sandboxUrl), only);
  fs.writeFileSync(file, JSON.stringify(entries, null, 2), { mode: 0o600 });
  return entries.length;
}
