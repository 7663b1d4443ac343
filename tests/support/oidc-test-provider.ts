import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Provider, { type ProviderContext } from 'oidc-provider';

/** One person at the test provider. The login form accepts the account's id with any password. */
export interface TestAccount {
  email?: string;
  emailVerified?: boolean;
  name?: string;
  groups?: string[];
  /** Profile claims in the ID token too; otherwise only at the userinfo endpoint (OIDC Core's default for code flow). */
  claimsInIdToken?: boolean;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** Requests seen, by path (e.g. `/me` for userinfo, `/session/end` for provider sign-out). */
  hits: Map<string, number>;
  /** When set, the token endpoint refuses the portal's client as a rotated secret would. */
  refuseClient: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A standards-conforming OpenID Connect provider (`oidc-provider`) on 127.0.0.1, serving one confidential client for
 * the portal. Sign-in goes through its development login form; consent is taken as given for the portal.
 */
export async function startTestProvider(opts: { port: number; portalUrls: readonly string[] }): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const clientId = 'buyer-portal';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  const accounts = new Map<string, TestAccount>();
  const hits = new Map<string, number>();

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.portalUrls.map((url) => `${url}/api/auth/callback/oidc`),
        post_logout_redirect_uris: opts.portalUrls.map((url) => `${url}/login`),
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx: ProviderContext, form: string) {
          ctx.type = 'html';
          ctx.body = `<!DOCTYPE html><html><head><title>Sign out</title></head><body>${form}<h1>Sign out of the test provider?</h1><button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button></body></html>`;
        },
      },
    },
    async findAccount(_ctx: ProviderContext, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims(use: string) {
          if (use === 'id_token' && !account.claimsInIdToken) return { sub: id };
          return {
            sub: id,
            ...(account.email === undefined ? {} : { email: account.email, email_verified: account.emailVerified ?? false }),
            ...(account.name === undefined ? {} : { name: account.name }),
            ...(account.groups === undefined ? {} : { groups: account.groups }),
          };
        },
      };
    },
    async loadExistingGrant(ctx: ProviderContext) {
      const { client, session, result, provider: op } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return op.Grant.find(grantId);
      const grant = new op.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();

  const state: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    accounts,
    hits,
    refuseClient: false,
    stop: async () => {},
    start: async () => {},
  };

  let server: http.Server | undefined;
  const sockets = new Set<Socket>();
  state.start = async () => {
    server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (state.refuseClient && path === '/token') {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'client authentication failed' }));
        return;
      }
      handle(req, res);
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(opts.port, '127.0.0.1', () => resolve());
    });
    expectPort(server, opts.port);
  };
  state.stop = async () => {
    if (!server) return;
    const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closing;
    server = undefined;
  };
  await state.start();
  return state;
}

function expectPort(server: http.Server, port: number): void {
  const address = server.address() as AddressInfo;
  if (address.port !== port) throw new Error(`test provider listens on ${address.port}, not ${port}`);
}
