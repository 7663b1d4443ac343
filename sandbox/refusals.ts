/**
 * Refusals set through the control API: the Seller answers a Buyer operation on one ticket with a MEF error instead
 * of doing it, once or until cleared. The answer is a proper error of that operation: 422 with an Error422 list, 403
 * with an Error403, or (PATCH only, the one operation that declares it) 409 with an Error409. Kept in memory: a
 * restart of the sandbox forgets them.
 */
import { z } from 'zod';
import { MefError, type Error422Code } from './http';

export const REFUSABLE_OPERATIONS = ['patchTroubleTicket', 'cancelTroubleTicket', 'closeTroubleTicket', 'reopenTroubleTicket'] as const;
export type RefusableOperation = (typeof REFUSABLE_OPERATIONS)[number];

const ERROR_422_CODES = ['missingProperty', 'invalidValue', 'invalidFormat', 'referenceNotFound', 'unexpectedProperty', 'tooManyRecords', 'otherIssue'] as const satisfies readonly Error422Code[];
const ERROR_403_CODES = ['accessDenied', 'forbiddenRequester', 'tooManyUsers'] as const;

export const refusalSchema = z
  .object({
    /** The Seller's reason, shown to the Buyer (MEF `reason`, at most 255 characters). */
    reason: z.string().min(1).max(255),
    status: z.union([z.literal(422), z.literal(403), z.literal(409)]).default(422),
    code: z.string().optional(),
    propertyPath: z.string().optional(),
    /** The operations refused; all four Buyer write operations on a ticket when left out. */
    operations: z.array(z.enum(REFUSABLE_OPERATIONS)).min(1).optional(),
    /** `once`: the next matching call only; `sticky`: every call until the refusal is deleted. */
    mode: z.enum(['once', 'sticky']).default('once'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const allowed: readonly string[] = r.status === 422 ? ERROR_422_CODES : r.status === 403 ? ERROR_403_CODES : ['conflict'];
    if (r.code !== undefined && !allowed.includes(r.code)) ctx.addIssue({ code: 'custom', path: ['code'], message: `For ${r.status} the code is one of ${allowed.join(', ')}` });
    if (r.status === 409 && r.operations && r.operations.some((o) => o !== 'patchTroubleTicket')) {
      ctx.addIssue({ code: 'custom', path: ['operations'], message: 'Only patchTroubleTicket declares a 409 answer' });
    }
    if (r.propertyPath !== undefined && r.status !== 422) ctx.addIssue({ code: 'custom', path: ['propertyPath'], message: 'Only a 422 carries a propertyPath' });
  });

export type RefusalInput = z.infer<typeof refusalSchema>;

export interface Refusal extends RefusalInput {
  ticketId: string;
  operations: RefusableOperation[];
  /** How many calls it has refused so far. */
  refused: number;
}

function defaultCode(status: 422 | 403 | 409): string {
  return status === 422 ? 'otherIssue' : status === 403 ? 'accessDenied' : 'conflict';
}

export class SellerRefusals {
  private readonly bySeller = new Map<string, Map<string, Refusal>>();

  set(slug: string, ticketId: string, input: RefusalInput): Refusal {
    const refusal: Refusal = {
      ...input,
      code: input.code ?? defaultCode(input.status),
      ticketId,
      operations: input.operations ?? (input.status === 409 ? ['patchTroubleTicket'] : [...REFUSABLE_OPERATIONS]),
      refused: 0,
    };
    (this.bySeller.get(slug) ?? this.bySeller.set(slug, new Map()).get(slug)!).set(ticketId, refusal);
    return refusal;
  }

  clear(slug: string, ticketId: string): boolean {
    return this.bySeller.get(slug)?.delete(ticketId) ?? false;
  }

  list(slug: string): Refusal[] {
    return [...(this.bySeller.get(slug)?.values() ?? [])];
  }

  /** Throws the MEF error when a refusal covers this call; a one-shot refusal is used up by it. */
  check(slug: string, operationId: string, ticketId: string | undefined): void {
    if (!ticketId) return;
    const refusal = this.bySeller.get(slug)?.get(ticketId);
    if (!refusal || !(refusal.operations as readonly string[]).includes(operationId)) return;
    refusal.refused++;
    if (refusal.mode === 'once') this.clear(slug, ticketId);
    const error = { code: refusal.code, reason: refusal.reason };
    if (refusal.status === 422) throw new MefError(422, [{ ...error, ...(refusal.propertyPath ? { propertyPath: refusal.propertyPath } : {}) }]);
    throw new MefError(refusal.status, error);
  }
}
