import { sellersFileEntries } from '@/lib/sync/sandbox-discovery';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getDb } from '@/db';
import { appointmentHistory, appointments, auditLog, tickets, workOrders } from '@/db/schema';
import { startSandbox, type RunningSandbox } from '@/sandbox/server';
import { sellerConnectionBySlug } from '@/lib/sellers/registry';
import { troubleTicketClient } from '@/lib/sonata/client';
import { applySellersFile } from '@/lib/sync/sellers-file';

export interface DiscoveredSeller {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{
    id: string;
    name: string;
    site: { id: string; name: string; timeZone: string; address: { streetNr: string; streetName: string; city: string; country: string } };
  }>;
}

export async function startWorkforceSandbox(): Promise<{ sandbox: RunningSandbox; dir: string; sellers: DiscoveredSeller[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workforce-sandbox-'));
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', dbPath: path.join(dir, 'sandbox.db'), mode: 'manual', latency: false });
  const discovery = (await (await fetch(`${sandbox.url}/_sandbox/sellers`)).json()) as { sellers: DiscoveredSeller[] };
  return { sandbox, dir, sellers: discovery.sellers };
}

/** Registers the sandbox Sellers and their products in the (fresh) portal database, as the sellers file does at start. */
export async function registerSellers(dir: string, sellers: DiscoveredSeller[]): Promise<void> {
  const file = path.join(dir, `sellers-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const entries = sellersFileEntries(sellers);
  fs.writeFileSync(file, JSON.stringify(entries));
  await applySellersFile(file);
}

/** A ticket at the Seller, opened over MEF as the ticket desk would. */
export async function openTicketAtSeller(seller: string, productId: string): Promise<string> {
  const conn = await sellerConnectionBySlug(seller);
  if (!conn) throw new Error(`no seller ${seller}`);
  const ticket = await troubleTicketClient(conn).createTroubleTicket({
    description: 'No sync on the access circuit since 06:00',
    observedImpact: 'down',
    priority: 'high',
    severity: 'significant',
    ticketType: 'assistance',
    externalId: `NOC-T-${Math.random().toString(36).slice(2, 8)}`,
    relatedContactInformation: [{ name: 'Nora Noc', number: '+1 212 555 0101', emailAddress: 'nora@buyer.example', role: 'reporterContact' }],
    relatedEntity: [{ '@referredType': 'Product', id: productId, role: 'affectedProduct' }],
  });
  return ticket.id;
}

export async function control(sandbox: RunningSandbox, method: string, pathAndQuery: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.url}/_sandbox${pathAndQuery}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${pathAndQuery}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Every row the appointment actions may touch, to prove a refused call changed nothing. */
export async function workforceSnapshot() {
  const db = getDb();
  return {
    workOrders: await db.select().from(workOrders).all(),
    appointments: await db.select().from(appointments).all(),
    history: await db.select().from(appointmentHistory).all(),
    tickets: await db.select().from(tickets).all(),
    audit: await db.select().from(auditLog).all(),
  };
}

export const CONTACTS = {
  buyerContact: { name: 'Cora Coordinator', number: '+1 212 555 0142', emailAddress: 'cora@buyer.example', organization: 'Buyer Inc' },
  placeContact: { name: 'Sam Site', number: '+1 212 555 0198', emailAddress: 'sam@buyer.example', organization: '' },
};
