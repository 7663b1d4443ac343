import { createHash, timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';
import { scrapeMetrics } from '@/lib/server/metrics-scrape';

/** Prometheus scrape endpoint; a bearer token from the configuration (METRICS_TOKEN), never a portal session. */
export const dynamic = 'force-dynamic';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export async function GET(request: Request): Promise<Response> {
  const token = env().METRICS_TOKEN;
  if (!token) return new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization')?.trim() ?? '')?.[1] ?? '';
  if (!timingSafeEqual(digest(presented), digest(token))) {
    return new Response('A valid bearer token is required\n', {
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"', 'cache-control': 'no-store' },
    });
  }
  const { body, contentType } = await scrapeMetrics();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
