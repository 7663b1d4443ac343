/**
 * Cross-site request refusal for route handlers that signed-in users call with their session cookie (server
 * actions get the same check from Next itself). A browser always sends Origin on a POST; a request whose Origin is
 * another site, or the opaque `null` of a sandboxed frame or a data: page, is refused. Tools without a browser
 * (no Origin, no Sec-Fetch-Site) still pass: they carry no victim's cookie.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The origins this portal is reached under: its configured public URLs and the Host the request was sent to. */
export function expectedOrigins(request: Request, configured: ReadonlyArray<string | undefined> = [process.env.PUBLIC_URL, process.env.NEXTAUTH_URL]): Set<string> {
  const origins = new Set<string>();
  for (const url of configured) {
    const origin = originOf(url);
    if (origin) origins.add(origin);
  }
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (host) {
    const proto = request.headers.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '');
    const origin = originOf(`${proto}://${host}`);
    if (origin) origins.add(origin);
  }
  return origins;
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export function checkSameOrigin(request: Request, configured?: ReadonlyArray<string | undefined>): OriginVerdict {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (origin === 'null') return { ok: false, reason: 'The request comes from an opaque origin' };
    const normalised = originOf(origin);
    if (!normalised || !expectedOrigins(request, configured).has(normalised)) {
      return { ok: false, reason: `The request comes from another site (${origin.slice(0, 100)})` };
    }
    return { ok: true };
  }
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return { ok: false, reason: `The request comes from another site (${site})` };
  return { ok: true };
}

/** A 403 JSON answer for a cross-site state-changing request, or null to go on. */
export function crossSiteRefusal(request: Request, configured?: ReadonlyArray<string | undefined>): Response | null {
  const verdict = checkSameOrigin(request, configured);
  if (verdict.ok) return null;
  return Response.json({ error: verdict.reason }, { status: 403, headers: { 'cache-control': 'no-store' } });
}
