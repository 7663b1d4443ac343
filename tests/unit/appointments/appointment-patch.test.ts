import { describe, expect, it } from 'vitest';
import { buildAppointmentDetailsPatch, type AppointmentDoc } from '@/lib/domain/appointment-patch';

const sellerContact = { name: 'Tech', number: '1', emailAddress: 't@s.example', role: 'sellerAppointmentContact' };
const buyerContact = { name: 'Cora', number: '2', emailAddress: 'c@b.example', role: 'buyerAppointmentContact' };
const placeContact = { name: 'Sam', number: '3', emailAddress: 's@b.example', role: 'appointmentPlaceContact' };
const sellerNote = { id: 's1', author: 'Seller', date: '2026-01-01T00:00:00Z', source: 'seller' as const, text: 'Seller note' };
const sellerFile = { attachmentId: 'a1', author: 'Seller', name: 'photo.jpg', source: 'seller' as const, url: 'https://s.example/p.jpg' };
const current: Pick<AppointmentDoc, 'relatedContactInformation' | 'note' | 'attachment'> = {
  relatedContactInformation: [buyerContact, placeContact, sellerContact],
  note: [sellerNote],
  attachment: [sellerFile],
};

describe('buildAppointmentDetailsPatch', () => {
  it('keeps every Seller item and appends the Buyer’s new ones', () => {
    const note = { id: 'b1', author: 'Cora', date: '2026-01-02T00:00:00Z', source: 'buyer' as const, text: 'new' };
    const file = { attachmentId: 'b2', author: 'Cora', name: 'plan.pdf', source: 'buyer' as const, url: 'https://b.example/plan.pdf' };
    const body = buildAppointmentDetailsPatch(current, { notes: [note], attachments: [file] });
    expect(body.note).toEqual([sellerNote, note]);
    expect(body.attachment).toEqual([sellerFile, file]);
    expect(body.relatedContactInformation).toBeUndefined();
  });

  it('replaces only the Buyer contact roles it was given; the Seller contact is never replaced', () => {
    const newPlace = { ...placeContact, name: 'Pia' };
    const forged = { ...sellerContact, name: 'Forged' };
    const body = buildAppointmentDetailsPatch(current, { contacts: [newPlace, forged] });
    expect(body.relatedContactInformation).toEqual([buyerContact, sellerContact, newPlace]);
    expect(body.note).toBeUndefined();
  });

  it('sends nothing for an empty change', () => {
    expect(buildAppointmentDetailsPatch(current, {})).toEqual({});
  });
});
