import type { IncomingMessage } from 'node:http';

export type CappedBody = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'tooLarge' | 'unreadable' };

function declaredLength(header: string | null | undefined): number | undefined {
  return header != null && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
}

/** Reads a request body while counting bytes, chunked or not: stops as soon as it passes `maxBytes`. */
export async function readCappedBody(request: Request, maxBytes: number): Promise<CappedBody> {
  const length = declaredLength(request.headers.get('content-length'));
  if (length !== undefined && length > maxBytes) return { ok: false, reason: 'tooLarge' };
  if (!request.body) return { ok: true, bytes: new Uint8Array() };
  if (length !== undefined) {
    // The HTTP layer delivers exactly the declared length, so the whole body may be read at once (much faster
    // than a chunk loop); the size is checked again all the same.
    try {
      const bytes = new Uint8Array(await request.arrayBuffer());
      return bytes.byteLength > maxBytes ? { ok: false, reason: 'tooLarge' } : { ok: true, bytes };
    } catch {
      return { ok: false, reason: 'unreadable' };
    }
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: 'tooLarge' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** The same for a Node request: refuses as soon as the declared or the received length passes `maxBytes`. */
export function readCappedNodeBody(request: IncomingMessage, maxBytes: number): Promise<CappedBody> {
  const length = declaredLength(request.headers['content-length']);
  if (length !== undefined && length > maxBytes) return Promise.resolve({ ok: false, reason: 'tooLarge' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: CappedBody) => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        request.pause();
        finish({ ok: false, reason: 'tooLarge' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) });
    const onError = () => finish({ ok: false, reason: 'unreadable' });
    request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
  });
}
