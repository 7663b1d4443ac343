import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '@/sandbox/server';

export interface SellerInfo {
  slug: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  offersIncidents: boolean;
  products: Array<{ id: string; name: string; site: { id: string; name: string; timeZone: string } }>;
}

export interface Harness {
  sandbox: RunningSandbox;
  dir: string;
  dbPath: string;
  sellers: Record<string, SellerInfo>;
  token(slug: string, scope?: string): Promise<string>;
  /** fetch against a Seller API with a valid token for all scopes. */
  mef(slug: string, api: 'troubleTicket' | 'appointment' | 'workOrder', method: string, pathAndQuery: string, body?: unknown): Promise<Reply>;
  control(method: string, pathAndQuery: string, body?: unknown): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export async function startHarness(options: Partial<SandboxOptions> = {}, existingDir?: string): Promise<Harness> {
  const dir = existingDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-test-'));
  const dbPath = path.join(dir, 'sandbox.db');
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', dbPath, mode: 'manual', latency: false, ...options });
  const discovery = (await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: SellerInfo[] };
  const sellers = Object.fromEntries(discovery.sellers.map((s) => [s.slug, s]));
  const tokens = new Map<string, string>();
  const token = async (slug: string, scope?: string): Promise<string> => {
    const key = `${slug}|${scope ?? ''}`;
    const cached = tokens.get(key);
    if (cached) return cached;
    const seller = sellers[slug];
    if (!seller) throw new Error(`no seller ${slug}`);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: seller.clientId, client_secret: seller.clientSecret });
    if (scope) form.set('scope', scope);
    const res = await fetch(seller.tokenUrl, { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const json = (await res.json()) as { access_token: string };
    tokens.set(key, json.access_token);
    return json.access_token;
  };
  const harness: Harness = {
    sandbox,
    dir,
    dbPath,
    sellers,
    token,
    async mef(slug, api, method, pathAndQuery, body) {
      const seller = sellers[slug];
      if (!seller) throw new Error(`no seller ${slug}`);
      const headers: Record<string, string> = { Authorization: `Bearer ${await token(slug)}` };
      let payload: string | undefined;
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json;charset=utf-8';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      return reply(await fetch(`${seller.baseUrls[api]}${pathAndQuery}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) }));
    },
    async control(method, pathAndQuery, body) {
      return reply(
        await fetch(`${sandbox.url}/_sandbox${pathAndQuery}`, {
          method,
          ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
        }),
      );
    },
    async close() {
      await sandbox.close();
    },
  };
  return harness;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const reporter = { name: 'Rita Reporter', number: '+44 20 7946 0000', emailAddress: 'rita@buyer.example', role: 'reporterContact' };

export function ticketBody(productId: string, extra: Record<string, unknown> = {}) {
  return {
    description: 'Service is down since this morning',
    observedImpact: 'down',
    priority: 'high',
    severity: 'significant',
    ticketType: 'assistance',
    externalId: 'BUY-1',
    relatedContactInformation: [reporter],
    relatedEntity: [{ '@referredType': 'Product', id: productId, role: 'affectedProduct' }],
    ...extra,
  };
}

export function buyerNote(id: string, text = 'More detail from the Buyer') {
  return { id, author: 'Rita Reporter', date: new Date().toISOString(), source: 'buyer', text };
}

export const appointmentContacts = [
  { name: 'Bob Buyer', number: '+1 212 555 0199', emailAddress: 'bob@buyer.example', role: 'buyerAppointmentContact' },
  { name: 'Sam Site', number: '+1 212 555 0198', emailAddress: 'sam@buyer.example', role: 'appointmentPlaceContact' },
];
