/** Reads a request body while counting bytes, chunked or not: stops as soon as it passes `maxBytes`. */
export async function readCappedBody(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: 'tooLarge' | 'unreadable' }> {
  const declared = request.headers.get('content-length');
  const length = declared !== null && /^\d+$/.test(declared.trim()) ? Number(declared) : undefined;
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
