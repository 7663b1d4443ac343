/** Signs a demo user in over plain HTTP (next-auth credentials flow) and returns the Cookie header of the session. */

function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq > 0) out.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
  return out;
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

export async function sessionCookie(baseUrl: string, login: { email: string; password: string }): Promise<string> {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  for (const [k, v] of cookiesOf(csrf)) jar.set(k, v);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header(jar) },
    body: new URLSearchParams({ csrfToken, email: login.email, password: login.password, callbackUrl: `${baseUrl}/`, json: 'true' }),
  });
  for (const [k, v] of cookiesOf(res)) jar.set(k, v);
  if (![...jar.keys()].some((k) => k.includes('session-token'))) {
    throw new Error(`sign-in as ${login.email} gave no session (status ${res.status})`);
  }
  return header(jar);
}
