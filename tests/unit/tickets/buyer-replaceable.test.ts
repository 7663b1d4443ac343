import { describe, expect, it } from 'vitest';
import { patchTicketSchema, reopenTicketSchema } from '@/lib/domain/ticket-forms';
import { buildPatchBody, patchIntentProblems, protectedContactChanges, type TroubleTicketDoc } from '@/lib/domain/ticket-patch';

const current = {
  relatedContactInformation: [
    { role: 'reporterContact', name: 'R', number: '1', emailAddress: 'r@x.example' },
    { role: 'buyerTechnicalContact', name: 'Old', number: '2', emailAddress: 'old@x.example' },
    { role: 'sellerTicketContact', name: 'S', number: '3', emailAddress: 's@x.example' },
  ],
} as unknown as TroubleTicketDoc;

describe('only what the Buyer may replace (MEF 113 R41, O14, R52, R61)', () => {
  it('the patch form refuses a Reporter Contact under any name', () => {
    for (const key of ['reporter', 'reporterContact', 'relatedContactInformation']) {
      const parsed = patchTicketSchema.safeParse({ ticketId: 1, note: 'x', [key]: { name: 'M' } });
      expect(parsed.success, key).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual([key]);
      expect(parsed.error?.issues[0]?.message).toMatch(/Reporter Contact cannot be changed/);
    }
    expect(patchTicketSchema.safeParse({ ticketId: 1, note: 'x', technicalContactIds: [3] }).success).toBe(true);
  });

  it('the reopen form refuses a blank reason', () => {
    expect(reopenTicketSchema.safeParse({ ticketId: 1, reason: '   ' }).success).toBe(false);
    expect(reopenTicketSchema.safeParse({ ticketId: 1, reason: ' why ' }).data?.reason).toBe('why');
  });

  it('a queued intent naming anything but the O14 attributes, or a non-technical contact role, is not sendable', () => {
    expect(patchIntentProblems({ notes: [], buyerTechnicalContacts: [{ role: 'buyerTechnicalContact', name: 'a', number: '1', emailAddress: 'a@x' }] })).toEqual([]);
    expect(patchIntentProblems({ reporterContact: {} })).toEqual([expect.stringMatching(/reporterContact cannot be replaced/)]);
    expect(patchIntentProblems({ buyerTechnicalContacts: [{ role: 'reporterContact', name: 'a', number: '1', emailAddress: 'a@x' }] })).toEqual([
      expect.stringMatching(/Only Buyer Technical Contacts can be replaced/),
    ]);
    expect(patchIntentProblems(null)).not.toEqual([]);
  });

  it('the built body keeps the Reporter and Seller contacts exactly; a body that drops or alters them is caught', () => {
    const body = buildPatchBody(current, { buyerTechnicalContacts: [{ role: 'buyerTechnicalContact', name: 'New', number: '4', emailAddress: 'n@x.example' }] });
    expect(protectedContactChanges(current, body)).toEqual([]);
    expect(protectedContactChanges(current, {})).toEqual([]);
    const altered = { relatedContactInformation: body.relatedContactInformation!.map((c) => (c.role === 'reporterContact' ? { ...c, name: 'Mallory' } : c)) };
    expect(protectedContactChanges(current, altered)).toEqual([expect.stringMatching(/reporterContact cannot be replaced/)]);
    const dropped = { relatedContactInformation: body.relatedContactInformation!.filter((c) => c.role !== 'sellerTicketContact') };
    expect(protectedContactChanges(current, dropped)).toEqual([expect.stringMatching(/sellerTicketContact/)]);
  });
});
