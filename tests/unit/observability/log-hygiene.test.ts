import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCallLog, createLog, logger, scrub } from '@/lib/observability/log';
import { findLeaks } from '../../e2e/log-hygiene';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, lines: () => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the structured log', () => {
  it('writes one JSON object per line with level, time, process and component', () => {
    const out = capture();
    createLog(out.stream, 'info').child({ component: 'outbox' }).info({ outboxId: 7, ticketId: 3 }, 'operation delivered');
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 'info', proc: 'server', component: 'outbox', outboxId: 7, ticketId: 3, msg: 'operation delivered' });
    expect(typeof line!.time).toBe('string');
  });

  it('writes call lines (flat ids and numbers) on the same settings, and keeps one logger per component', () => {
    const out = capture();
    createCallLog(out.stream, 'info').child({ component: 'listener' }).info({ requestId: 'r-12345678', seller: 'acme', status: 204, durationMs: 3 }, 'listener call');
    expect(out.lines()[0]).toMatchObject({ level: 'info', proc: 'server', component: 'listener', requestId: 'r-12345678', seller: 'acme', status: 204, msg: 'listener call' });
    expect(createCallLog(out.stream, 'warn').isLevelEnabled('info')).toBe(false);
    expect(logger('outbox')).toBe(logger('outbox'));
    expect(logger('outbox')).not.toBe(logger('inbox'));
  });

  it('censors secrets, tokens and contact data wherever a caller puts them', () => {
    const out = capture();
    createLog(out.stream, 'info').info(
      {
        authorization: 'Bearer abc.def.ghi',
        headers: { authorization: 'Bearer abc', cookie: 'next-auth.session-token=x' },
        seller: { clientSecret: 's3cr3t-value', token: 'tkn' },
        contact: { emailAddress: 'nora@noc.example', phoneNumber: '+33 1' },
        user: { email: 'noc@example.com', password: 'noc-demo-pass' },
      },
      'careless caller',
    );
    const text = JSON.stringify(out.lines()[0]);
    for (const leaked of ['abc.def', 'next-auth.session-token', 's3cr3t-value', 'tkn', 'nora@noc.example', '+33 1', 'noc@example.com', 'noc-demo-pass']) {
      expect(text).not.toContain(leaked);
    }
  });

  it('keeps only the kind and scrubbed message of an error', () => {
    const out = capture();
    const err = Object.assign(new Error('token refused for nora@noc.example: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'), { status: 401 });
    createLog(out.stream, 'info').error({ err }, 'call failed');
    const [line] = out.lines();
    expect(line!.err).toEqual({ type: 'Error', message: 'token refused for [redacted-email]: Bearer [redacted]', status: 401 });
    expect(scrub('x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln y')).toBe('x [redacted-jwt] y');
  });

  it('honours the level', () => {
    const out = capture();
    const log = createLog(out.stream, 'warn');
    log.info('hidden');
    log.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });
});

describe('the browser run’s log check', () => {
  const secrets = ['e2e-secret-e2e-secret-e2e-secret-0123456', 'noc-demo-pass'];

  it('finds secrets, bearer tokens, JWTs and e-mail addresses, line by line', () => {
    const text = [
      '{"msg":"fine","seller":"acme"}',
      '{"msg":"oops","x":"noc-demo-pass"}',
      'Authorization: Bearer abcdefghijklmnop',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      'reporter nora@noc.example',
      '{"msg":"ok","authorization":"Bearer [redacted]"}',
    ].join('\n');
    const leaks = findLeaks('portal.log', text, secrets);
    expect(leaks.map((l) => [l.line, l.kind])).toEqual([
      [2, 'secret'],
      [3, 'bearer token'],
      [4, 'JWT'],
      [5, 'e-mail address'],
    ]);
    expect(leaks[0]!.excerpt).not.toContain('noc-demo-pass');
  });

  it('passes clean JSON lines', () => {
    expect(findLeaks('portal.log', '{"level":"info","component":"listener","seller":"acme","status":204}\n', secrets)).toEqual([]);
  });
});
