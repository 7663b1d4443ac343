import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));

import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as liveGet } from '@/app/api/live/route';
import { GET as exportGet } from '@/app/api/tickets/export/route';
import { getDb } from '@/db';
import { users } from '@/db/schema';
import { changeUserRole, resetUserPassword, setUserActive } from '@/lib/actions/users';
import { saveTicketView } from '@/lib/actions/tickets';
import { authOptions } from '@/lib/auth/options';
import { sessionStillAllows, userForSession } from '@/lib/auth/session';
import { liveEventStream } from '@/lib/live/sse';
import { liveStreams } from '@/lib/live/stream-registry';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs, actAsSession } from '../support/session-mock';

interface Frame {
  event?: string;
  data?: string;
}

/** Reads a response's SSE frames as they come; `until` waits for a condition, the end of the stream or a deadline. */
function frameReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  let ended = false;
  // A read that lost a race against the deadline still delivers its chunk: it is kept for the next wait.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  const next = (ms: number) => {
    pending ??= reader.read();
    return Promise.race([pending.then((r) => ((pending = undefined), r)), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, ms)))]);
  };
  return {
    async until(done: (frames: Frame[]) => boolean, timeoutMs = 5000): Promise<{ frames: Frame[]; ended: boolean }> {
      const deadline = Date.now() + timeoutMs;
      while (!ended && !done(frames) && Date.now() < deadline) {
        const chunk = await next(deadline - Date.now());
        if (!chunk) break;
        if (chunk.done) {
          ended = true;
          break;
        }
        buffer += decoder.decode(chunk.value);
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(': ');
            if (field === 'event' || field === 'data') frame[field] = rest.join(': ');
          }
          if (frame.event) frames.push(frame);
        }
      }
      if (!ended && done(frames) && buffer === '') {
        const last = await next(50);
        if (last?.done) ended = true;
        else if (last) buffer += decoder.decode(last.value);
      }
      return { frames, ended };
    },
  };
}

async function readFrames(res: Response, done: (frames: Frame[]) => boolean, timeoutMs = 5000): Promise<{ frames: Frame[]; ended: boolean }> {
  return frameReader(res).until(done, timeoutMs);
}

const live = (controller = new AbortController()) => liveGet(new Request('http://127.0.0.1:3000/api/live', { signal: controller.signal }), undefined);
const exportTickets = () => exportGet(new Request('http://127.0.0.1:3000/api/tickets/export'), undefined);

let adminId: number;
let nocId: number;

async function versionOf(id: number): Promise<number> {
  return (await getDb().select({ v: users.sessionVersion }).from(users).where(eq(users.id, id)).get())!.v;
}

beforeEach(async () => {
  usePortalTestEnv();
  process.env.LIVE_MAX_STREAMS_PER_USER = '2';
  adminId = (await createUser('admin', 'admin@sessions.test')).id;
  nocId = (await createUser('noc', 'noc@sessions.test')).id;
});

afterEach(() => {
  delete process.env.LIVE_MAX_STREAMS_PER_USER;
  // Ids repeat in every test's fresh database; streams left open must not count against the next test's users.
  for (const id of [adminId, nocId]) liveStreams().endAllOf(id);
  actAs(null);
});

describe('session version', () => {
  it('a sign-in puts the user’s current session version into the token and the session', async () => {
    await getDb().update(users).set({ sessionVersion: 4 }).where(eq(users.id, nocId)).run();
    const { jwt, session } = authOptions().callbacks!;
    const token = await jwt!({ token: {}, user: { id: String(nocId) } } as never);
    expect(token).toMatchObject({ uid: nocId, sv: 4 });
    expect(await session!({ session: { expires: '' }, token } as never)).toMatchObject({ uid: nocId, sv: 4 });
  });

  for (const [what, change] of [
    ['a password reset', (id: number) => resetUserPassword({ id, password: 'a-brand-new-password' })],
    ['a role change', (id: number) => changeUserRole({ id, role: 'manager' })],
    ['a deactivation', (id: number) => setUserActive({ id, active: false })],
  ] as const) {
    it(`${what} ends the sessions signed in before it, on routes and on actions`, async () => {
      actAsSession(nocId, 0);
      expect((await exportTickets()).status).toBe(200);
      actAs(adminId);
      expect((await change(nocId)).ok).toBe(true);
      expect(await versionOf(nocId)).toBe(1);
      actAsSession(nocId, 0);
      expect((await exportTickets()).status).toBe(401);
      const refused = await saveTicketView({ name: 'mine', search: 'status=open' });
      expect(refused).toMatchObject({ ok: false, status: 401 });
      expect(await userForSession(nocId, 0)).toBeNull();
    });
  }

  it('a session signed in after the password reset works', async () => {
    actAs(adminId);
    await resetUserPassword({ id: nocId, password: 'a-brand-new-password' });
    actAsSession(nocId, 1);
    expect((await exportTickets()).status).toBe(200);
  });

  it('reactivating a user does not revive the sessions their deactivation ended', async () => {
    actAs(adminId);
    await setUserActive({ id: nocId, active: false });
    await setUserActive({ id: nocId, active: true });
    actAsSession(nocId, 0);
    expect((await exportTickets()).status).toBe(401);
  });

  it('a refused change (demoting oneself) leaves the session version alone', async () => {
    actAs(adminId);
    expect((await changeUserRole({ id: adminId, role: 'noc' })).ok).toBe(false);
    expect(await versionOf(adminId)).toBe(0);
  });
});

describe('live streams', () => {
  it('are capped per user: one more than LIVE_MAX_STREAMS_PER_USER gets 429 with a message, and a closed one frees its slot', async () => {
    actAs(nocId);
    const first = new AbortController();
    const a = await live(first);
    const b = await live();
    expect([a.status, b.status]).toEqual([200, 200]);
    const third = await live();
    expect(third.status).toBe(429);
    expect((await third.json()).error).toMatch(/Too many live connections.*at most 2/);
    actAs(adminId);
    expect((await live()).status).toBe(200);
    first.abort();
    actAs(nocId);
    expect((await live()).status).toBe(200);
  });

  for (const [what, change] of [
    ['deactivated', (id: number) => setUserActive({ id, active: false })],
    ['given another role', (id: number) => changeUserRole({ id, role: 'coordinator' })],
    ['given a new password', (id: number) => resetUserPassword({ id, password: 'a-brand-new-password' })],
  ] as const) {
    it(`end with event: ended as soon as their user is ${what}, and free the user's slots`, async () => {
      actAs(nocId);
      const res = await live();
      expect(res.status).toBe(200);
      expect(liveStreams().count(nocId)).toBe(1);
      actAs(adminId);
      const reading = readFrames(res, (f) => f.some((x) => x.event === 'ended'));
      expect((await change(nocId)).ok).toBe(true);
      const { frames, ended } = await reading;
      expect(frames.at(-1)).toEqual({ event: 'ended', data: '{"reason":"session"}' });
      expect(ended).toBe(true);
      expect(liveStreams().count(nocId)).toBe(0);
    });
  }

  it('re-check the session every heartbeat, so a change made by another process ends them too', async () => {
    actAs(nocId);
    const user = (await userForSession(nocId, 0))!;
    const res = liveEventStream(new Request('http://127.0.0.1:3000/api/live'), 100, {
      userId: nocId,
      maxStreams: 2,
      stillAllowed: () => sessionStillAllows(user, 'tickets.view'),
    });
    const stream = frameReader(res);
    const beats = await stream.until((f) => f.filter((x) => x.event === 'heartbeat').length >= 2);
    expect(beats.ended).toBe(false);
    // As `sqlite3 portal.db` or another server would: no in-process signal, only the database.
    await getDb().update(users).set({ sessionVersion: 7 }).where(eq(users.id, nocId)).run();
    const { frames, ended } = await stream.until((f) => f.some((x) => x.event === 'ended'));
    expect(frames.at(-1)?.event, JSON.stringify({ frames, ended })).toBe('ended');
    expect(ended).toBe(true);
  });

  it('leave other users’ streams open', async () => {
    actAs(adminId);
    const adminStream = await live();
    actAs(nocId);
    await live();
    actAs(adminId);
    await setUserActive({ id: nocId, active: false });
    expect(liveStreams().count(nocId)).toBe(0);
    expect(liveStreams().count(adminId)).toBe(1);
    const { frames, ended } = await readFrames(adminStream, () => false, 300);
    expect(frames.some((f) => f.event === 'ended')).toBe(false);
    expect(ended).toBe(false);
  });
});
