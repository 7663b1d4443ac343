import { randomUUID } from 'node:crypto';
import { getDb } from '@/db';
import { ticketAttachmentUploads } from '@/db/schema';
import { guardedRoute } from '@/lib/auth/route-guard';
import { env } from '@/lib/env';

export const dynamic = 'force-dynamic';

/**
 * Stages one file for a ticket form (multipart field `file`). The form then names it by uploadId; the action moves
 * it into the MEF attachment as base64 content. Refuses files above ATTACHMENT_MAX_BYTES.
 */
export const POST = guardedRoute('tickets.write', async (request, user) => {
  const max = env().ATTACHMENT_MAX_BYTES;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max + 64 * 1024) return Response.json({ error: `The file is larger than the limit of ${max} bytes` }, { status: 413 });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return Response.json({ error: 'Send the file as multipart/form-data in the field "file"' }, { status: 400 });
  }
  const file = form.get('file');
  if (!(file instanceof File)) return Response.json({ error: 'Send the file in the field "file"' }, { status: 400 });
  if (file.size === 0) return Response.json({ error: 'The file is empty' }, { status: 400 });
  if (file.size > max) return Response.json({ error: `The file is larger than the limit of ${max} bytes` }, { status: 413 });
  const id = randomUUID();
  const mimeType = file.type || 'application/octet-stream';
  const name = (file.name || 'attachment').slice(0, 255);
  await getDb()
    .insert(ticketAttachmentUploads)
    .values({ id, userId: user.id, name, mimeType, size: file.size, content: Buffer.from(await file.arrayBuffer()) })
    .run();
  return Response.json({ uploadId: id, name, mimeType, size: file.size }, { status: 201 });
});
