import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request instead of (or after) forwarding it. */
export type Fault =
  | { kind: 'down' }
  | { kind: 'slow'; ms: number }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'malformed'; status?: number }
  | { kind: 'mutate'; change: (body: unknown, url: URL) => unknown; stripQuery?: string[] }
  | { kind: 'dropAnswer' }
  | { kind: 'stripQuery'; names: string[] };

export interface SeenRequest {
  method: string;
  path: string;
  fault?: Fault['kind'];
}

export type FaultRule = (req: { method: string; path: string; url: URL }) => Fault | undefined;

/**
 * A node:http proxy in front of a Seller that injects faults per request: refuses the connection, answers late,
 * answers an error status or a body that is not JSON or breaks the schema, or forwards the request and then drops
 * the answer (the Seller acted, the Buyer never hears).
 */
export async function startFaultProxy(target: string) {
  let rule: FaultRule = () => undefined;
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://proxy');
        const asked = new URL(url);
        const method = req.method ?? 'GET';
        const fault = rule({ method, path: url.pathname, url });
        seen.push({ method, path: url.pathname, ...(fault ? { fault: fault.kind } : {}) });
        if (fault?.kind === 'down') {
          req.socket.destroy();
          return;
        }
        if (fault?.kind === 'status') {
          res.writeHead(fault.status, { 'content-type': 'application/json;charset=utf-8', ...fault.headers });
          res.end(fault.body ?? JSON.stringify({ code: 'internalError', reason: 'injected' }));
          return;
        }
        if (fault?.kind === 'stripQuery') for (const name of fault.names) url.searchParams.delete(name);
        if (fault?.kind === 'mutate') for (const name of fault.stripQuery ?? []) url.searchParams.delete(name);
        const upstream = await fetch(`${target}${url.pathname}${url.search}`, {
          method,
          headers: Object.fromEntries(
            Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
          ) as Record<string, string>,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        }).catch(() => undefined);
        if (!upstream) {
          req.socket.destroy();
          return;
        }
        let body = Buffer.from(await upstream.arrayBuffer());
        if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
        if (fault?.kind === 'dropAnswer') {
          req.socket.destroy();
          return;
        }
        let status = upstream.status;
        if (fault?.kind === 'malformed') {
          body = Buffer.from('{"id": "half an answ');
          status = fault.status ?? status;
        }
        if (fault?.kind === 'mutate' && body.length) body = Buffer.from(JSON.stringify(fault.change(JSON.parse(body.toString('utf8')), asked)));
        const headers = Object.fromEntries([...upstream.headers.entries()].filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)));
        if (!res.destroyed) {
          res.writeHead(status, headers);
          res.end(body);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    /** Replaces the rule; returns the proxy for chaining. */
    set(next: FaultRule) {
      rule = next;
    },
    clear() {
      rule = () => undefined;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;
