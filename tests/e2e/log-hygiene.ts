import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What the portal's logs must never contain, checked over every portal log of a browser run: the harness writes
 * each portal's output and the secrets it was given to E2E_LOG_DIR, global-setup checks them at the end.
 */

export const E2E_LOG_DIR = path.join(os.tmpdir(), 'e2e-portal-logs');

export interface Leak {
  file: string;
  kind: 'secret' | 'bearer token' | 'JWT' | 'e-mail address';
  line: number;
  excerpt: string;
}

const BEARER = /\bbearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/i;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('<secret>');
  return out.replace(/eyJ[A-Za-z0-9_-]{5,}/g, 'eyJ…').slice(0, 200);
}

export function findLeaks(file: string, text: string, secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  const wanted = secrets.filter((s) => s.length >= 8);
  text.split('\n').forEach((line, i) => {
    const kinds: Leak['kind'][] = [];
    if (wanted.some((s) => line.includes(s))) kinds.push('secret');
    if (BEARER.test(line)) kinds.push('bearer token');
    if (JWT.test(line)) kinds.push('JWT');
    if (EMAIL.test(line)) kinds.push('e-mail address');
    for (const kind of kinds) leaks.push({ file, kind, line: i + 1, excerpt: mask(line, wanted) });
  });
  return leaks;
}

export function resetLogDir(dir = E2E_LOG_DIR): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/** Records secrets a portal of this run was given, for the final check. */
export function recordSecrets(name: string, secrets: readonly (string | undefined)[], dir = E2E_LOG_DIR): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.secrets.json`), JSON.stringify(secrets.filter(Boolean)));
}

/** Every leak in every portal log of the run. */
export function scanLogDir(dir = E2E_LOG_DIR): { files: number; leaks: Leak[] } {
  if (!fs.existsSync(dir)) return { files: 0, leaks: [] };
  const names = fs.readdirSync(dir);
  const secrets = names.filter((n) => n.endsWith('.secrets.json')).flatMap((n) => JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as string[]);
  const logs = names.filter((n) => n.endsWith('.log'));
  const leaks = logs.flatMap((n) => findLeaks(n, fs.readFileSync(path.join(dir, n), 'utf8'), secrets));
  return { files: logs.length, leaks };
}
