import { randomUUID } from 'node:crypto';

const JSON_TYPE = 'application/json;charset=utf-8';

interface DiscoveredSeller {
  slug: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string }>;
}

export interface BuyerClient {
  seller: DiscoveredSeller;
  createTicket(productIndex?: number): Promise<{ id: string; status: string }>;
  getTicket(id: string): Promise<{ id: string; status: string; note?: Array<{ id: string; source: string; text: string }>; workOrder?: Array<{ id: string }> }>;
  answerWithNote(id: string, text: string): Promise<void>;
  cancel(id: string): Promise<void>;
  reopen(id: string, reason: string): Promise<void>;
  bookFirstSlot(workOrderId: string): Promise<{ id: string; validFor: { startDateTime: string; endDateTime: string } }>;
  registerHub(api: 'troubleTicket' | 'appointment' | 'workOrder', callback: string): Promise<void>;
}

/** A minimal Buyer on the wire: discovery, a token, and the MEF calls the scenario tests need. */
export async function buyerFor(sandboxUrl: string, slug: string): Promise<BuyerClient> {
  const discovery = (await (await fetch(`${sandboxUrl}/_sandbox/sellers`)).json()) as { sellers: DiscoveredSeller[] };
  const seller = discovery.sellers.find((s) => s.slug === slug);
  if (!seller) throw new Error(`sandbox has no Seller ${slug}`);
  const tokenRes = await fetch(seller.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: seller.clientId, client_secret: seller.clientSecret }),
  });
  const { access_token: token } = (await tokenRes.json()) as { access_token: string };

  async function call<T>(method: string, url: string, body?: unknown, expected = [200, 201, 204]): Promise<T> {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: JSON_TYPE, ...(body === undefined ? {} : { 'content-type': JSON_TYPE }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const tt = seller.baseUrls.troubleTicket;
  const client: BuyerClient = {
    seller,
    createTicket(productIndex = 0) {
      const product = seller.products[productIndex];
      if (!product) throw new Error(`no product ${productIndex}`);
      return call('POST', `${tt}/troubleTicket`, {
        description: 'Service down since this morning',
        observedImpact: 'down',
        priority: 'high',
        severity: 'significant',
        ticketType: 'assistance',
        relatedContactInformation: [{ name: 'Ana Buyer', number: '+44 20 7946 0000', emailAddress: 'ana@buyer.example', role: 'reporterContact' }],
        relatedEntity: [{ '@referredType': 'Product', id: product.id, role: 'affectedProduct' }],
      });
    },
    getTicket(id) {
      return call('GET', `${tt}/troubleTicket/${id}`);
    },
    async answerWithNote(id, text) {
      const ticket = await client.getTicket(id);
      const note = { id: randomUUID(), author: 'Ana Buyer', date: new Date().toISOString(), source: 'buyer', text };
      await call('PATCH', `${tt}/troubleTicket/${id}`, { note: [...(ticket.note ?? []), note] });
    },
    async cancel(id) {
      await call('POST', `${tt}/troubleTicket/${id}/cancel`);
    },
    async reopen(id, reason) {
      await call('POST', `${tt}/troubleTicket/${id}/reopen`, { reason });
    },
    async bookFirstSlot(workOrderId) {
      const from = new Date(Date.now() + 24 * 3600_000);
      const to = new Date(from.getTime() + 14 * 24 * 3600_000);
      const search = await call<{ availableTimeSlot: Array<{ validFor: { startDateTime: string; endDateTime: string } }> }>(
        'POST',
        `${seller.baseUrls.appointment}/searchTimeSlot`,
        { workOrder: { id: workOrderId }, requestedTimeSlot: [{ validFor: { startDateTime: from.toISOString(), endDateTime: to.toISOString() } }] },
      );
      const slot = search.availableTimeSlot[0];
      if (!slot) throw new Error('no free slot');
      const contact = { name: 'Ana Buyer', number: '+44 20 7946 0000', emailAddress: 'ana@buyer.example' };
      return call('POST', `${seller.baseUrls.appointment}/appointment`, {
        workOrder: { id: workOrderId },
        validFor: slot.validFor,
        relatedContactInformation: [
          { ...contact, role: 'buyerAppointmentContact' },
          { ...contact, role: 'appointmentPlaceContact' },
        ],
      });
    },
    async registerHub(api, callback) {
      await call('POST', `${seller.baseUrls[api]}/hub`, { callback });
    },
  };
  return client;
}
