import { sellersFileEntries } from '@/lib/sync/sandbox-discovery';
import fs from 'node:fs';
import path from 'node:path';
import { startSandbox, type RunningSandbox } from '@/sandbox/server';
import { applySellersFile } from '@/lib/sync/sellers-file';

export interface DiscoveredSeller {
  slug: string;
  name: string;
  baseUrls: { troubleTicket: string; appointment: string; workOrder: string };
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  products: Array<{ id: string; name: string; site?: { id: string; name: string; address?: Record<string, string | undefined> | string; timeZone: string } }>;
}

/** The Seller sandbox in this process, in manual mode (nothing moves unless the test says so), answers without latency. */
export async function startTestSandbox(dbPath: string, port = 0): Promise<RunningSandbox> {
  return startSandbox({ port, host: '127.0.0.1', dbPath, mode: 'manual', latency: false, tickMs: 50 });
}

export async function discover(sandboxUrl: string): Promise<DiscoveredSeller[]> {
  const res = await fetch(`${sandboxUrl}/_sandbox/sellers`);
  return ((await res.json()) as { sellers: DiscoveredSeller[] }).sellers;
}

/** Registers the sandbox's Sellers and products in the portal, the way the sellers file does at start. */
export async function registerSandboxSellers(dir: string, sellers: DiscoveredSeller[], overrides: Record<string, Partial<Record<string, unknown>>> = {}) {
  const file = path.join(dir, `sellers-${Date.now()}.json`);
  const entries = sellersFileEntries(sellers).map((e) => ({ ...e, timeoutMs: 3000, ...(overrides[e.slug] ?? {}) }));
  fs.writeFileSync(file, JSON.stringify(entries));
  return applySellersFile(file);
}

export async function control(sandboxUrl: string, method: string, pathname: string, body?: unknown) {
  const res = await fetch(`${sandboxUrl}/_sandbox${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface SandboxTicket {
  id: string;
  externalId?: string;
  status: string;
  severity: string;
  priority: string;
  description: string;
  note?: Array<{ id: string; text: string; source: string; author: string }>;
  attachment?: Array<{ name: string; source: string; content?: string; url?: string; mimeType?: string }>;
  relatedContactInformation: Array<{ role: string; name: string; emailAddress: string }>;
  relatedIssue?: Array<{ id: string; source: string }>;
}

export async function sellerTickets(sandboxUrl: string, slug: string): Promise<SandboxTicket[]> {
  return (await control(sandboxUrl, 'GET', `/${slug}/tickets`)).body as SandboxTicket[];
}

export const reporter = { name: 'Nora Operator', number: '+33 1 23 45 67 89', emailAddress: 'nora@noc.example' };

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
