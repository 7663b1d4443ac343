import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

/**
 * The one way out to a Seller: every outbound call (MEF APIs, hubs, token requests, the sandbox control API) goes
 * through `egressFetch`. It
 * - refuses loopback, private, link-local and other non-public addresses, checked on the address actually connected
 *   to (after DNS, so a name that resolves inward is refused too), unless `SELLER_EGRESS_ALLOW` lists them;
 * - never follows a redirect: a 3xx comes back to the caller as it is, and the wire treats it as a protocol error;
 * - reads at most `maxBytes` of the answer (after decompression); a larger answer is an error, not a truncation.
 */

export type EgressRefusal = 'loopback' | 'private' | 'link-local' | 'reserved';

export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly refusal: EgressRefusal,
  ) {
    super(
      `Outbound call to ${host}${host === address ? '' : ` (${address})`} refused: a ${refusal} address. ` +
        'Add it to SELLER_EGRESS_ALLOW to permit it.',
    );
    this.name = 'EgressRefusedError';
  }
}

export class AnswerTooLargeError extends Error {
  readonly code = 'ANSWER_TOO_LARGE';
  constructor(
    readonly status: number,
    readonly maxBytes: number,
  ) {
    super(`The answer is larger than ${maxBytes} bytes`);
    this.name = 'AnswerTooLargeError';
  }
}

const REFUSED_RANGES: Array<[string, number, 'ipv4' | 'ipv6', EgressRefusal]> = [
  ['0.0.0.0', 8, 'ipv4', 'reserved'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'reserved'],
  ['224.0.0.0', 4, 'ipv4', 'reserved'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'reserved'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['64:ff9b::', 96, 'ipv6', 'reserved'],
  ['fc00::', 7, 'ipv6', 'private'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'reserved'],
];

const refusedLists = new Map<EgressRefusal, net.BlockList>();
for (const [address, prefix, type, refusal] of REFUSED_RANGES) {
  const list = refusedLists.get(refusal) ?? new net.BlockList();
  list.addSubnet(address, prefix, type);
  refusedLists.set(refusal, list);
}

/** `::ffff:7f00:1` and `::ffff:127.0.0.1` are 127.0.0.1: an IPv4-mapped address is judged as the IPv4 one. */
function canonicalAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (net.isIP(bare) !== 6) return bare;
  const compressed = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Parses `SELLER_EGRESS_ALLOW`: addresses or CIDR blocks, separated by commas or spaces. Throws on a bad entry. */
export function parseEgressAllowList(value: string | undefined): net.BlockList {
  const list = new net.BlockList();
  for (const entry of (value ?? '').split(/[\s,]+/).filter(Boolean)) {
    const [address, prefixText] = entry.split('/');
    const canonical = canonicalAddress(address ?? '');
    const family = net.isIP(canonical);
    if (family === 0) throw new Error(`"${entry}" is not an IP address or CIDR block`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) {
      list.addAddress(canonical, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) throw new Error(`"${entry}" has a bad prefix length`);
    list.addSubnet(canonical, prefix, type);
  }
  return list;
}

let cachedAllow: { raw: string | undefined; list: net.BlockList } | undefined;

/** The allow-list in force: read from the environment on each call, parsed once per value. */
function configuredAllowList(): net.BlockList {
  const raw = process.env.SELLER_EGRESS_ALLOW;
  if (!cachedAllow || cachedAllow.raw !== raw) cachedAllow = { raw, list: parseEgressAllowList(raw) };
  return cachedAllow.list;
}

/** Why `address` may not be called, or null when it may. */
export function egressRefusal(address: string, allow: net.BlockList = configuredAllowList()): EgressRefusal | null {
  const canonical = canonicalAddress(address);
  const family = net.isIP(canonical);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (allow.check(canonical, type)) return null;
  for (const [refusal, list] of refusedLists) if (list.check(canonical, type)) return refusal;
  return null;
}

function checkedLookup(allow: net.BlockList): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const refusal = egressRefusal(a.address, allow);
        if (refusal) return callback(new EgressRefusedError(hostname, a.address, refusal) as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

export interface EgressFetchOptions {
  /** Largest answer body read, in bytes (after decompression). */
  maxBytes: number;
}

type FetchInput = string | URL | Request;

async function requestParts(input: FetchInput, init: RequestInit = {}) {
  if (input instanceof Request) {
    const method = input.method.toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.from(await input.arrayBuffer());
    return { url: new URL(input.url), method, headers: new Headers(input.headers), body, signal: init.signal ?? input.signal };
  }
  const method = (init.method ?? 'GET').toUpperCase();
  let body: Buffer | undefined;
  if (init.body !== undefined && init.body !== null) {
    if (typeof init.body === 'string') body = Buffer.from(init.body);
    else if (init.body instanceof URLSearchParams) body = Buffer.from(init.body.toString());
    else if (init.body instanceof ArrayBuffer || ArrayBuffer.isView(init.body)) body = Buffer.from(init.body as ArrayBuffer);
    else body = Buffer.from(await new Response(init.body).arrayBuffer());
  }
  return { url: new URL(String(input)), method, headers: new Headers(init.headers), body, signal: init.signal ?? undefined };
}

function decoded(res: http.IncomingMessage): Readable {
  switch ((res.headers['content-encoding'] ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return res.pipe(zlib.createGunzip());
    case 'deflate':
      return res.pipe(zlib.createInflate());
    case 'br':
      return res.pipe(zlib.createBrotliDecompress());
    default:
      return res;
  }
}

/** A `fetch` for Seller calls: egress-checked, no redirects, answers capped at `maxBytes`. */
export function createEgressFetch(options: EgressFetchOptions): typeof globalThis.fetch {
  return (async (input: FetchInput, init?: RequestInit): Promise<Response> => {
    const { url, method, headers, body, signal } = await requestParts(input, init);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Only http and https URLs are called, not ${url.protocol}`);
    if (url.username || url.password) throw new TypeError('URLs with credentials are not called');
    signal?.throwIfAborted();
    const allow = configuredAllowList();
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      const refusal = egressRefusal(host, allow);
      if (refusal) throw new EgressRefusedError(host, host, refusal);
    }
    if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
    if (body && !headers.has('content-length')) headers.set('content-length', String(body.length));
    const outgoing: http.OutgoingHttpHeaders = {};
    headers.forEach((value, name) => {
      outgoing[name] = value;
    });

    return new Promise<Response>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method,
        headers: outgoing,
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup: checkedLookup(allow),
        ...(signal ? { signal } : {}),
      });
      const fail = (err: unknown) => {
        req.destroy();
        reject(signal?.aborted ? (signal.reason ?? err) : err);
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes && !res.headers['content-encoding']) {
          res.destroy();
          return fail(new AnswerTooLargeError(status, options.maxBytes));
        }
        const stream = decoded(res);
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            res.destroy();
            stream.destroy();
            return fail(new AnswerTooLargeError(status, options.maxBytes));
          }
          chunks.push(chunk);
        });
        stream.on('error', fail);
        res.on('error', fail);
        stream.on('end', () => {
          if (status < 200 || status > 599) return fail(new TypeError(`HTTP status ${status} is not an answer`));
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined || name === 'content-encoding' || name === 'content-length') continue;
            for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
          }
          const noBody = status === 204 || status === 205 || status === 304 || method === 'HEAD';
          const response = new Response(noBody ? null : Buffer.concat(chunks), {
            status,
            statusText: res.statusMessage ?? '',
            headers: responseHeaders,
          });
          Object.defineProperty(response, 'url', { value: url.toString() });
          resolve(response);
        });
      });
      req.end(body);
    });
  }) as typeof globalThis.fetch;
}

export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400;
}
