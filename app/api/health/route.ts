/**
 * Liveness for load balancers and process supervisors: answers while the process does. No session, no database, no
 * details; whether the instance should get traffic is /api/ready.
 */
export const dynamic = 'force-dynamic';

const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function GET(): Response {
  return new Response(JSON.stringify({ status: 'ok' }), { headers: HEADERS });
}

export function HEAD(): Response {
  return new Response(null, { headers: HEADERS });
}
