/**
 * Benchmark baseline: the cheapest POST this build can answer (read the body, 204). It measures what the framework
 * and the loopback cost on their own, so the listener's figures can be read as a ratio of it. Off (404) unless the
 * server was started with BENCH_ROUTES=1.
 */
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  if (process.env.BENCH_ROUTES !== '1') return new Response(null, { status: 404 });
  await request.arrayBuffer();
  return new Response(null, { status: 204 });
}
