import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { POST as tokenPost } from '@/app/oauth2/token/route';
import { POST as appointmentListener } from '@/app/sellers/[slug]/mefApi/sonata/appointmentNotification/[version]/listener/[eventType]/route';
import { POST as ticketListener } from '@/app/sellers/[slug]/mefApi/sonata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { POST as workOrderListener } from '@/app/sellers/[slug]/mefApi/sonata/workOrderNotification/[version]/listener/[eventType]/route';
import { POST as cantataAppointmentListener } from '@/app/sellers/[slug]/mefApi/cantata/appointmentNotification/[version]/listener/[eventType]/route';
import { POST as cantataTicketListener } from '@/app/sellers/[slug]/mefApi/cantata/troubleTicketNotification/[version]/listener/[eventType]/route';
import { POST as cantataWorkOrderListener } from '@/app/sellers/[slug]/mefApi/cantata/workOrderNotification/[version]/listener/[eventType]/route';

type Params = { slug: string; version: string; eventType: string };
type Listener = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

const LISTENERS: Record<string, Record<string, Listener>> = {
  sonata: {
    troubleTicketNotification: ticketListener,
    appointmentNotification: appointmentListener,
    workOrderNotification: workOrderListener,
  },
  cantata: {
    troubleTicketNotification: cantataTicketListener,
    appointmentNotification: cantataAppointmentListener,
    workOrderNotification: cantataWorkOrderListener,
  },
};

/**
 * The portal's Seller-facing routes (token endpoint and listeners) served over real HTTP on 127.0.0.1, calling the
 * same route handlers Next.js mounts, so a Seller (the sandbox) can deliver to them.
 */
export async function startListenerServer() {
  const calls: Array<{ path: string; status: number }> = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
      const request = new Request(url, { method: req.method, headers, body, duplex: 'half' } as RequestInit);
      let response: Response;
      const m = /^\/sellers\/([^/]+)\/mefApi\/(sonata|cantata)\/([^/]+)\/([^/]+)\/listener\/([^/]+)$/.exec(url.pathname);
      const listener = m ? LISTENERS[m[2]!]![m[3]!] : undefined;
      if (url.pathname === '/oauth2/token' && req.method === 'POST') response = await tokenPost(request);
      else if (m && listener && req.method === 'POST') {
        response = await listener(request, {
          params: Promise.resolve({ slug: decodeURIComponent(m[1]!), version: m[4]!, eventType: decodeURIComponent(m[5]!) }),
        });
      } else response = new Response('not found', { status: 404 });
      calls.push({ path: url.pathname, status: response.status });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
