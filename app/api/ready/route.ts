import { portalReadiness } from '@/lib/server/readiness';

/**
 * Readiness for load balancers: 200 when this instance can serve (database, migrations, workers), else 503 with each
 * check named. No session: a load balancer does not sign in, and the answer names no secret or path.
 */
export const dynamic = 'force-dynamic';

async function answer(): Promise<{ status: number; body: string }> {
  const { ready, checks } = await portalReadiness();
  return { status: ready ? 200 : 503, body: JSON.stringify({ status: ready ? 'ready' : 'notReady', checks }) };
}

const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export async function GET(): Promise<Response> {
  const { status, body } = await answer();
  return new Response(body, { status, headers: HEADERS });
}

export async function HEAD(): Promise<Response> {
  const { status } = await answer();
  return new Response(null, { status, headers: HEADERS });
}
