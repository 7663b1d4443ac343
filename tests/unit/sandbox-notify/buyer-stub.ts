import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the stub answers: a status, or 'hang' to never answer (the socket is destroyed on stop). */
export type StubAnswer = number | 'hang';

interface StubServer {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** Resolves once at least `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  restart(): Promise<void>;
}

function startServer(
  handle: (req: ReceivedRequest, res: http.ServerResponse) => void,
  port = 0,
): Promise<StubServer> {
  const received: ReceivedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const sockets = new Set<import('node:net').Socket>();
  let server: http.Server;

  const create = (onPort: number) =>
    new Promise<number>((resolve, reject) => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const r: ReceivedRequest = {
            method: req.method ?? '',
            path: req.url ?? '',
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          };
          received.push(r);
          for (const w of [...waiters]) {
            if (received.length >= w.count) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve();
            }
          }
          handle(r, res);
        });
      });
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });

  return create(port).then((actualPort) => ({
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    received,
    waitForRequests(count) {
      if (received.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count, resolve }));
    },
    stop() {
      return new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
    async restart() {
      await create(actualPort);
    },
  }));
}

export interface ListenerStub extends StubServer {
  /** Answers for the next requests, in order; afterwards `fallback`. */
  answers: StubAnswer[];
  fallback: StubAnswer;
  /** Bearer tokens the listener accepts; undefined = accept any request, with or without a token. */
  acceptedTokens?: Set<string>;
  /** Highest number of requests open at once, per callback prefix (the path up to /mefApi). */
  maxConcurrentByPrefix: Map<string, number>;
  /** Delay before answering, to make overlap observable. */
  answerDelayMs: number;
  /** Per-request delay; overrides answerDelayMs when it returns a number. */
  delayFor?: (req: ReceivedRequest) => number | undefined;
  /** Highest number of requests open at once about one resource, keyed `<callback prefix> <event.id>`. */
  maxConcurrentByResource: Map<string, number>;
  /** Highest number of requests open at once over the whole listener. */
  maxConcurrent: number;
}

function resourceOf(req: ReceivedRequest): string {
  try {
    const body = JSON.parse(req.body) as { event?: { id?: unknown } };
    return typeof body.event?.id === 'string' ? body.event.id : '';
  } catch {
    return '';
  }
}

export async function startListenerStub(): Promise<ListenerStub> {
  const open = new Map<string, number>();
  const openByResource = new Map<string, number>();
  let openTotal = 0;
  const stub = {} as ListenerStub;
  const server = await startServer((req, res) => {
    const prefix = req.path.split('/mefApi/')[0] ?? '';
    const nowOpen = (open.get(prefix) ?? 0) + 1;
    open.set(prefix, nowOpen);
    stub.maxConcurrentByPrefix.set(prefix, Math.max(stub.maxConcurrentByPrefix.get(prefix) ?? 0, nowOpen));
    const resource = `${prefix} ${resourceOf(req)}`;
    const openForResource = (openByResource.get(resource) ?? 0) + 1;
    openByResource.set(resource, openForResource);
    stub.maxConcurrentByResource.set(resource, Math.max(stub.maxConcurrentByResource.get(resource) ?? 0, openForResource));
    openTotal += 1;
    stub.maxConcurrent = Math.max(stub.maxConcurrent, openTotal);
    res.on('close', () => {
      open.set(prefix, (open.get(prefix) ?? 1) - 1);
      openByResource.set(resource, (openByResource.get(resource) ?? 1) - 1);
      openTotal -= 1;
    });
    let answer = stub.answers.shift() ?? stub.fallback;
    if (stub.acceptedTokens && answer !== 'hang') {
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
      if (!stub.acceptedTokens.has(token)) answer = 401;
    }
    if (answer === 'hang') return;
    const status = answer;
    setTimeout(() => {
      res.statusCode = status;
      if (status === 204) res.end();
      else {
        res.setHeader('content-type', 'application/json;charset=utf-8');
        res.end(JSON.stringify({ code: 'x', reason: `answered ${status}` }));
      }
    }, stub.delayFor?.(req) ?? stub.answerDelayMs);
  });
  return Object.assign(stub, server, {
    answers: [],
    fallback: 204,
    maxConcurrentByPrefix: new Map<string, number>(),
    maxConcurrentByResource: new Map<string, number>(),
    maxConcurrent: 0,
    answerDelayMs: 0,
  });
}

export interface TokenStub extends StubServer {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  issued: string[];
  /** Status to answer instead of issuing a token; undefined = issue. */
  failWith?: number;
  expiresIn: number;
  forms(): URLSearchParams[];
}

export async function startTokenStub(): Promise<TokenStub> {
  const stub = {} as TokenStub;
  const server = await startServer((req, res) => {
    const form = new URLSearchParams(req.body);
    res.setHeader('content-type', 'application/json');
    if (stub.failWith !== undefined) {
      res.statusCode = stub.failWith;
      res.end(JSON.stringify({ error: 'temporarily_unavailable' }));
      return;
    }
    if (
      req.path !== '/oauth2/token' ||
      form.get('grant_type') !== 'client_credentials' ||
      form.get('client_id') !== stub.clientId ||
      form.get('client_secret') !== stub.clientSecret
    ) {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: 'invalid_client' }));
      return;
    }
    const token = `token-${stub.issued.length + 1}`;
    stub.issued.push(token);
    res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: stub.expiresIn, scope: form.get('scope') }));
  });
  return Object.assign(stub, server, {
    tokenUrl: `${server.url}/oauth2/token`,
    clientId: 'seller-acme',
    clientSecret: 's3cret-for-tests',
    issued: [],
    expiresIn: 3600,
    forms: () => server.received.map((r) => new URLSearchParams(r.body)),
  });
}
