'use server';

import { eq } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { sellers } from '@/db/schema';
import { authorizedAction } from '@/lib/actions/authorized-action';
import { audit } from '@/lib/data/audit';
import { slugSchema } from '@/lib/domain/seller-registry';
import { getSellerBySlug } from '@/lib/sellers/registry';
import {
  KNOWN_DEVIATION_NAMES,
  parseToleratedDeviations,
  RESPONSE_OPERATION_IDS,
  type DeviationAllowance,
  type KnownDeviation,
} from '@/lib/sonata/deviations';
import { write } from '@/db/transaction';

const MAX_ALLOWANCES = 50;

const optionalText = z
  .string()
  .trim()
  .max(100, 'At most 100 characters')
  .optional()
  .transform((v) => (v ? v : undefined));

/** One line of the allowances list; a line left blank is dropped, not refused. */
const allowanceLine = z
  .object({
    operationId: optionalText.refine((v) => v === undefined || RESPONSE_OPERATION_IDS.includes(v), {
      message: 'Not an operation of the Seller APIs (e.g. retrieveTroubleTicket, listWorkOrder); leave blank for any',
    }),
    path: z
      .string()
      .trim()
      .max(300, 'At most 300 characters')
      .regex(/^(\/([^/~\s]|~[01])*)*$/, 'A JSON Pointer such as /relatedEntity/*/role (* for any one segment)')
      .optional()
      .default(''),
    keyword: optionalText.refine((v) => v === undefined || /^[A-Za-z]+$/.test(v), {
      message: 'One word, the kind of violation (e.g. required, enum, format, unexpectedProperty); leave blank for any',
    }),
  })
  .superRefine((line, ctx) => {
    // An empty path is the answer as a whole (e.g. keyword mediaType); with no keyword it would say nothing.
    if (line.path === '' && line.operationId !== undefined && line.keyword === undefined) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'Say where in the answer (a JSON Pointer starting with /) or which kind of violation' });
    }
  })
  .transform((line): DeviationAllowance | null =>
    line.path === '' && line.operationId === undefined && line.keyword === undefined
      ? null
      : { path: line.path, ...(line.operationId ? { operationId: line.operationId } : {}), ...(line.keyword ? { keyword: line.keyword } : {}) },
  );

/** The form posts `known` (one per ticked switch) and `allowed.<n>.operationId|path|keyword` lines. */
function fromForm(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const input = raw as Record<string, unknown>;
  const out: Record<string, unknown> = { slug: input.slug };
  out.known = input.known === undefined ? [] : Array.isArray(input.known) ? input.known : [input.known];
  if (Array.isArray(input.allowed)) {
    out.allowed = input.allowed;
  } else {
    const lines: Array<Record<string, unknown>> = [];
    for (const [key, value] of Object.entries(input)) {
      const m = /^allowed\.(\d{1,3})\.(operationId|path|keyword)$/.exec(key);
      if (!m) continue;
      (lines[Number(m[1])] ??= {})[m[2]!] = value;
    }
    out.allowed = Array.from(lines, (line) => line ?? {});
  }
  return out;
}

const toleratedDeviationsInput = z.preprocess(
  fromForm,
  z.object({
    slug: slugSchema,
    known: z.array(
      z.enum(KNOWN_DEVIATION_NAMES as [KnownDeviation, ...KnownDeviation[]], {
        error: `Not a known deviation (known: ${KNOWN_DEVIATION_NAMES.join(', ')})`,
      }),
    ),
    allowed: z
      .array(allowanceLine)
      .transform((lines) => {
        const seen = new Set<string>();
        return lines.filter((a): a is DeviationAllowance => {
          if (a === null) return false;
          const key = JSON.stringify([a.operationId ?? '', a.path, a.keyword ?? '']);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      })
      .refine((lines) => lines.length <= MAX_ALLOWANCES, `At most ${MAX_ALLOWANCES} allowances`),
  }),
);

/** Settings → Sellers: which deviations from the schema this Seller's answers may show and still be used. */
export const setToleratedDeviations = authorizedAction('sellers.manage', toleratedDeviationsInput, async (input, user) => {
  const current = await getSellerBySlug(input.slug);
  if (!current) return { ok: false, status: 404, message: `No Seller with slug "${input.slug}".` };
  const before = parseToleratedDeviations(current.toleratedDeviations);
  const after = { known: KNOWN_DEVIATION_NAMES.filter((n) => input.known.includes(n)), allowed: input.allowed };
  if (JSON.stringify(before) === JSON.stringify(after)) {
    return { ok: true, message: 'Nothing changed.', data: { slug: input.slug } };
  }
  await write(() =>
    getDb()
      .update(sellers)
      .set({ toleratedDeviations: after, updatedAt: new Date().toISOString() })
      .where(eq(sellers.id, current.id)),
  );
  await audit(user, 'seller.deviations', 'seller', input.slug, { from: before, to: after });
  revalidatePath(`/settings/sellers/${input.slug}`);
  revalidatePath('/settings/notifications');
  return { ok: true, message: `Tolerated deviations of ${current.name} saved.`, data: { slug: input.slug } };
});
