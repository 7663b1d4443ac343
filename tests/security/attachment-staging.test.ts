import { vi } from 'vitest';

vi.mock('next-auth', async (importOriginal) => ({ ...(await importOriginal<object>()), getServerSession: vi.fn() }));

import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as uploadAttachment } from '@/app/api/tickets/attachments/route';
import { pruneExpiredUploads, stagedUploadsOf } from '@/db/attachment-uploads';
import { getDb } from '@/db';
import { ticketAttachmentUploads } from '@/db/schema';
import { resetEnv } from '@/lib/env';
import { createUser, usePortalTestEnv } from '../support/portal-env';
import { actAs } from '../support/session-mock';

const URL_ = 'http://127.0.0.1:3000/api/tickets/attachments';

function formOf(bytes: number, name = 'f.bin'): FormData {
  const form = new FormData();
  form.set('file', new File([Buffer.alloc(bytes, 1)], name, { type: 'application/octet-stream' }));
  return form;
}

function upload(body: FormData): Promise<Response> {
  return uploadAttachment(new Request(URL_, { method: 'POST', body }), undefined);
}

async function staged() {
  return getDb().select({ id: ticketAttachmentUploads.id, userId: ticketAttachmentUploads.userId, size: ticketAttachmentUploads.size }).from(ticketAttachmentUploads).all();
}

let nocId: number;
let otherId: number;

beforeEach(async () => {
  usePortalTestEnv();
  Object.assign(process.env, { ATTACHMENT_MAX_BYTES: '2048', ATTACHMENT_USER_QUOTA_BYTES: '4096', ATTACHMENT_STAGING_HOURS: '24' });
  resetEnv();
  nocId = (await createUser('noc')).id;
  otherId = (await createUser('admin')).id;
  actAs(nocId);
});

afterEach(() => {
  for (const name of ['ATTACHMENT_MAX_BYTES', 'ATTACHMENT_USER_QUOTA_BYTES', 'ATTACHMENT_STAGING_HOURS']) delete process.env[name];
  resetEnv();
});

describe('staging an attachment', () => {
  it('stops reading a chunked body without Content-Length at the cap, answers 413 and stores nothing', async () => {
    const boundary = 'x-boundary';
    const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="endless.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    let pulled = 0;
    let cancelled = false;
    // An endless body: a server that read the whole form first would never answer.
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      pull(controller) {
        pulled += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const res = await uploadAttachment(
      new Request(URL_, { method: 'POST', body: endless, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, duplex: 'half' } as RequestInit),
      undefined,
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ code: 'tooLarge', error: 'The file is larger than the limit of 2048 bytes' });
    expect(cancelled).toBe(true);
    // The cap plus what the stream reads ahead: never the whole body.
    expect(pulled).toBeLessThanOrEqual(2048 + 64 * 1024 + 2 * 16 * 1024);
    expect(await staged()).toEqual([]);
  });

  it('refuses a declared Content-Length above the cap before reading the body', async () => {
    const res = await uploadAttachment(
      new Request(URL_, { method: 'POST', body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(10 * 1024 * 1024) } }),
      undefined,
    );
    expect(res.status).toBe(413);
    expect(await staged()).toEqual([]);
  });

  it('refuses what is not a multipart form with a clear message', async () => {
    const res = await uploadAttachment(new Request(URL_, { method: 'POST', body: 'just text', headers: { 'content-type': 'text/plain' } }), undefined);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('Send the file as multipart/form-data in the field "file"');
    expect(await staged()).toEqual([]);
  });

  it('keeps each user under ATTACHMENT_USER_QUOTA_BYTES, says so, and leaves other users alone', async () => {
    expect((await upload(formOf(2048))).status).toBe(201);
    expect((await upload(formOf(2000))).status).toBe(201);
    const refused = await upload(formOf(100));
    expect(refused.status).toBe(413);
    const body = await refused.json();
    expect(body.code).toBe('quotaExceeded');
    expect(body.error).toBe(
      'Your files waiting to be sent already take 4.0 KB of your 4.0 KB, and this one is 100 B: send the ticket forms that hold them, or wait until they expire (24 h after their upload)',
    );
    expect((await staged()).filter((r) => r.userId === nocId).map((r) => r.size).sort()).toEqual([2000, 2048]);
    actAs(otherId);
    expect((await upload(formOf(2048))).status).toBe(201);
  });

  it('parallel uploads cannot overshoot the quota together', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => upload(formOf(2048))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 413, 413, 413]);
    expect((await staged()).reduce((n, r) => n + r.size, 0)).toBe(4096);
  });

  it('expired staged files are not found, do not count against the quota and are deleted', async () => {
    const longAgo = new Date(Date.now() - 25 * 3_600_000).toISOString();
    await getDb()
      .insert(ticketAttachmentUploads)
      .values([
        { id: 'old-1', userId: nocId, name: 'a', mimeType: 'text/plain', size: 2048, content: Buffer.alloc(2048), createdAt: longAgo },
        { id: 'old-2', userId: nocId, name: 'b', mimeType: 'text/plain', size: 2048, content: Buffer.alloc(2048), createdAt: longAgo },
        { id: 'old-3', userId: otherId, name: 'c', mimeType: 'text/plain', size: 10, content: Buffer.alloc(10), createdAt: longAgo },
      ])
      .run();
    const policy = { ttlMs: 24 * 3_600_000, userQuotaBytes: 4096 };
    expect(await stagedUploadsOf(nocId, ['old-1', 'old-2'], policy)).toEqual([]);
    const res = await upload(formOf(2048));
    expect(res.status).toBe(201);
    const { uploadId } = await res.json();
    expect((await staged()).map((r) => r.id)).toEqual([uploadId]);
    await getDb().update(ticketAttachmentUploads).set({ createdAt: longAgo }).where(eq(ticketAttachmentUploads.id, uploadId)).run();
    expect(await pruneExpiredUploads(policy)).toBe(1);
    expect(await staged()).toEqual([]);
  });
});
