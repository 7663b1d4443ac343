import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SellerConnection } from '@/lib/sonata/seller-connection';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  bearer?: string;
}

export type SellerHandler = (req: RecordedRequest, res: ServerResponse) => void;

/** The egress check refuses loopback unless allowed: these Sellers listen on 127.0.0.1, so the tests allow it. */
export function allowLoopbackSellers(): void {
  process.env.SELLER_EGRESS_ALLOW = '127.0.0.1';
}

/** A Seller on 127.0.0.1 with a client-credentials token endpoint and a replaceable API handler. */
export async function startFakeSeller(handler: SellerHandler = (_req, res) => json(res, 404, { code: 'notFound', reason: 'no route' })) {
  allowLoopbackSellers();
  const requests: RecordedRequest[] = [];
  const tokenRequests: { form: URLSearchParams; headers: IncomingHttpHeaders }[] = [];
  const issued: string[] = [];
  const state = {
    handler,
    tokenLifetimeSeconds: 3600 as number | undefined,
    tokenAnswer: undefined as ((res: ServerResponse) => void) | undefined,
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      if (url.pathname === '/oauth2/token') {
        tokenRequests.push({ form: new URLSearchParams(body), headers: req.headers });
        if (state.tokenAnswer) return state.tokenAnswer(res);
        const token = `tok-${issued.length + 1}`;
        issued.push(token);
        const scope = new URLSearchParams(body).get('scope');
        return json(res, 200, {
          access_token: token,
          token_type: 'Bearer',
          ...(state.tokenLifetimeSeconds === undefined ? {} : { expires_in: state.tokenLifetimeSeconds }),
          ...(scope ? { scope } : {}),
        });
      }
      const auth = req.headers.authorization;
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        bearer: auth?.startsWith('Bearer ') ? auth.slice(7) : undefined,
      };
      requests.push(recorded);
      state.handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const connection = (overrides: Partial<SellerConnection> = {}, oauth: Partial<SellerConnection['oauth']> = {}): SellerConnection => ({
    slug: 'acme',
    baseUrls: {
      troubleTicket: `${origin}/acme/mefApi/sonata/troubleTicket/v4`,
      appointment: `${origin}/acme/mefApi/sonata/appointment/v2`,
      workOrder: `${origin}/acme/mefApi/sonata/workOrderManagement/v2`,
    },
    oauth: {
      tokenUrl: `${origin}/oauth2/token`,
      clientId: 'buyer-client',
      clientSecret: 'buyer-secret',
      scopeMode: 'operation',
      ...oauth,
    },
    timeoutMs: 5000,
    ...overrides,
  });

  return {
    origin,
    requests,
    tokenRequests,
    issued,
    state,
    connection,
    setHandler(next: SellerHandler) {
      state.handler = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSeller = Awaited<ReturnType<typeof startFakeSeller>>;

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers });
  res.end(text);
}

export function noContent(res: ServerResponse) {
  res.writeHead(204);
  res.end();
}

/** A free port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  allowLoopbackSellers();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
