import { sellersFileEntries } from '@/lib/sync/sandbox-discovery';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getDb } from '@/db';
import { auditLog, incidents, outbox, sellerIncidentState, tickets, waitingItems } from '@/db/schema';
import { applySellersFile } from '@/lib/sync/sellers-file';
import { startSandbox, type RunningSandbox } from '@/sandbox/server';

export interface DiscoveredSeller {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site: { id: string; name: string; timeZone: string } }>;
}

export async function startIncidentSandbox(): Promise<{ sandbox: RunningSandbox; dir: string; sellers: DiscoveredSeller[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-sandbox-'));
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', dbPath: path.join(dir, 'sandbox.db'), mode: 'manual', latency: false });
  const discovery = (await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: DiscoveredSeller[] };
  return { sandbox, dir, sellers: discovery.sellers };
}

/**
 * Registers the sandbox Sellers in the portal database. `notOurs` lists product ids the Seller sold to someone else
 * as far as we know (left out of our inventory), to tell our products from others.
 */
export async function registerSellers(dir: string, sellers: DiscoveredSeller[], notOurs: readonly string[] = []): Promise<void> {
  const file = path.join(dir, `sellers-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const entries = sellersFileEntries(sellers).map((e) => ({
    ...e,
    products: e.products.filter((p) => !notOurs.includes(p.productId)),
  }));
  fs.writeFileSync(file, JSON.stringify(entries));
  await applySellersFile(file);
}

export async function control<T = any>(sandbox: RunningSandbox, method: string, pathAndQuery: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_sandbox${pathAndQuery}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${pathAndQuery}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface IncidentInput {
  description: string;
  productIds: string[];
  impact: 'degraded' | 'intermittent' | 'down';
  incidentType: 'maintenance' | 'repair' | 'installation';
  priority: 'low' | 'medium' | 'high' | 'critical';
  severity: 'minor' | 'moderate' | 'significant' | 'extensive';
  situationStartDate?: string;
  expectedClosedDate?: string;
  note?: string;
}

export async function raiseIncident(sandbox: RunningSandbox, seller: string, input: IncidentInput): Promise<{ id: string }> {
  return control(sandbox, 'POST', `/${seller}/incidents`, input);
}

/** Every row the incident actions may touch, to prove a refused call changed nothing. */
export async function incidentSnapshot() {
  const db = getDb();
  return {
    incidents: await db.select().from(incidents).all(),
    state: await db.select().from(sellerIncidentState).all(),
    tickets: await db.select().from(tickets).all(),
    outbox: await db.select().from(outbox).all(),
    waiting: await db.select().from(waitingItems).all(),
    audit: await db.select().from(auditLog).all(),
  };
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
