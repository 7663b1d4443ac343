import { getDb } from '@/db';
import { sellers, type Seller } from '@/db/schema';
import { sealClientSecret } from '@/lib/sellers/registry';

/** A Seller row as the registry would hold it; `base` is where its three APIs live (a test server or the sandbox). */
export async function insertSeller(slug: string, base = 'http://127.0.0.1:9', extra: Partial<Seller> = {}): Promise<Seller> {
  const [row] = await getDb()
    .insert(sellers)
    .values({
      slug,
      name: `${slug[0]!.toUpperCase()}${slug.slice(1)} Networks`,
      troubleTicketBaseUrl: `${base}/${slug}/mefApi/sonata/troubleTicket/v4`,
      appointmentBaseUrl: `${base}/${slug}/mefApi/sonata/appointment/v2`,
      workOrderBaseUrl: `${base}/${slug}/mefApi/sonata/workOrderManagement/v2`,
      tokenUrl: `${base}/${slug}/oauth2/token`,
      clientId: `buyer-at-${slug}`,
      clientSecretEnc: sealClientSecret('buyer-secret', slug),
      ...extra,
    })
    .returning();
  return row!;
}

export function event(eventType: string, id: string, eventId = `evt-${Math.random().toString(36).slice(2)}`) {
  return { eventId, eventTime: new Date().toISOString(), eventType, event: { id } };
}
