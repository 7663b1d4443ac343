/** The bare baseline's bearer check: an HS256 token signed with a key of its own, verified with one HMAC. */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export interface BareClaims {
  sub: string;
  scope: string;
  exp: number;
}

export function signBareToken(key: Buffer, claims: BareClaims): string {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The claims when the Authorization header carries a valid, unexpired token with `scope`; else null. */
export function verifyBareBearer(key: Buffer, authorization: string | undefined, scope: string, nowS = Date.now() / 1000): BareClaims | null {
  const match = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return null;
  const parts = match[1].split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return null;
  const expected = Buffer.from(createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest('base64url'));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let claims: BareClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as BareClaims;
  } catch {
    return null;
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowS) return null;
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(scope)) return null;
  return claims;
}
