import { randomUUID } from 'node:crypto';
import { stageUpload, stagingPolicyFrom } from '@/db/attachment-uploads';
import { formatBytes } from '@/components/tickets/format';
import { guardedRoute } from '@/lib/auth/route-guard';
import { env } from '@/lib/env';
import { readCappedBody } from '@/lib/listener/capped-body';

export const dynamic = 'force-dynamic';

/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

function refusal(status: 400 | 413, code: string, error: string): Response {
  return Response.json({ error, code }, { status });
}

/**
 * Stages one file for a ticket form (multipart field `file`). The form then names it by uploadId; the action moves
 * it into the MEF attachment as base64 content. The body is read with a hard byte cap whatever Content-Length says
 * (a chunked body has none), so no request holds more than ATTACHMENT_MAX_BYTES plus the multipart framing in
 * memory. A user's staged files expire after ATTACHMENT_STAGING_HOURS and together stay under
 * ATTACHMENT_USER_QUOTA_BYTES.
 */
export const POST = guardedRoute('attachments.stage', async (request, user) => {
  const max = env().ATTACHMENT_MAX_BYTES;
  const tooLarge = () => refusal(413, 'tooLarge', `The file is larger than the limit of ${max} bytes`);
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return refusal(400, 'notMultipart', 'Send the file as multipart/form-data in the field "file"');
  }
  const body = await readCappedBody(request, max + MULTIPART_OVERHEAD);
  if (!body.ok) return body.reason === 'tooLarge' ? tooLarge() : refusal(400, 'unreadable', 'The upload was interrupted; attach the file again');
  let form: FormData;
  try {
    form = await new Response(new Blob([body.bytes as Uint8Array<ArrayBuffer>]), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return refusal(400, 'notMultipart', 'Send the file as multipart/form-data in the field "file"');
  }
  const file = form.get('file');
  if (!(file instanceof File)) return refusal(400, 'noFile', 'Send the file in the field "file"');
  if (file.size === 0) return refusal(400, 'empty', 'The file is empty');
  if (file.size > max) return tooLarge();
  const policy = stagingPolicyFrom(env());
  const upload = {
    id: randomUUID(),
    userId: user.id,
    name: (file.name || 'attachment').slice(0, 255),
    mimeType: file.type || 'application/octet-stream',
    size: file.size,
    content: Buffer.from(await file.arrayBuffer()),
  };
  const staged = await stageUpload(upload, policy);
  if (!staged.ok) {
    return refusal(
      413,
      'quotaExceeded',
      `Your files waiting to be sent already take ${formatBytes(staged.stagedBytes)} of your ${formatBytes(policy.userQuotaBytes)}, and this one is ${formatBytes(upload.size)}: send the ticket forms that hold them, or wait until they expire (${env().ATTACHMENT_STAGING_HOURS} h after their upload)`,
    );
  }
  return Response.json({ uploadId: upload.id, name: upload.name, mimeType: upload.mimeType, size: upload.size }, { status: 201 });
});
