import { afterEach, describe, expect, it, vi } from 'vitest';
import { sellerNotes, startHarness, statusPath, type ScenarioHarness } from './scenario-harness';

const HOUR = 3_600_000;
const QUIET = { incidentEveryMinutes: undefined };

let h: ScenarioHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  vi.restoreAllMocks();
});

describe('tickets', () => {
  it('acme acknowledges, works, resolves with a note at the expected date, then closes after the confirmation timeout', async () => {
    h = await startHarness({
      seed: 'quick',
      profiles: { acme: { ...QUIET, askInformation: 0, technicianVisit: 0, confirmationTimeoutMinutes: 60 } },
    });
    const buyer = await h.buyer('acme');
    const { id } = await buyer.createTicket();
    const created = h.ticket('acme', id);

    h.runUntil(() => h!.ticket('acme', id).status === 'inProgress');
    const working = h.ticket('acme', id);
    expect(working.expectedResolutionDate).not.toBe(created.expectedResolutionDate);
    const expected = Date.parse(working.expectedResolutionDate!);

    h.runUntil(() => h!.ticket('acme', id).status === 'resolved');
    const resolved = h.ticket('acme', id);
    expect(statusPath(resolved)).toEqual(['acknowledged', 'inProgress', 'resolved']);
    expect(sellerNotes(resolved).at(-1)).toMatch(/^Resolved: /);
    const resolvedAt = Date.parse(resolved.resolutionDate!);
    expect(resolvedAt).toBeGreaterThanOrEqual(expected);
    expect(resolvedAt - expected).toBeLessThan(5 * 60_000);

    h.runFor(50 * 60_000);
    expect(h.ticket('acme', id).status).toBe('resolved');
    h.runUntil(() => h!.ticket('acme', id).status === 'closed');
    const closed = h.ticket('acme', id);
    expect(statusPath(closed)).toEqual(['acknowledged', 'inProgress', 'resolved', 'closed']);
    expect(sellerNotes(closed).at(-1)).toMatch(/closed automatically/);
    expect((await buyer.getTicket(id)).status).toBe('closed');

    const events = h.sandbox.ctx.events('acme').filter((e) => e.resourceId === id).map((e) => e.eventType);
    expect(events.filter((e) => e === 'troubleTicketStatusChangeEvent')).toHaveLength(3);
    expect(events).toContain('troubleTicketResolvedEvent');
    expect(events).toContain('troubleTicketAttributeValueChangeEvent');
  });

  it('goes round again when the Buyer reopens, with a fresh expected resolution date', async () => {
    h = await startHarness({
      seed: 'reopen',
      profiles: { acme: { ...QUIET, askInformation: 0, technicianVisit: 0, confirmationTimeoutMinutes: 600 } },
    });
    const buyer = await h.buyer('acme');
    const { id } = await buyer.createTicket();
    h.runUntil(() => h!.ticket('acme', id).status === 'resolved');
    const firstExpected = h.ticket('acme', id).expectedResolutionDate;
    await buyer.reopen(id, 'Still dropping packets every few minutes.');

    h.runUntil(() => h!.ticket('acme', id).status === 'resolved');
    const again = h.ticket('acme', id);
    expect(statusPath(again)).toEqual(['acknowledged', 'inProgress', 'resolved', 'reopened', 'inProgress', 'resolved']);
    expect(again.expectedResolutionDate).not.toBe(firstExpected);
    expect(sellerNotes(again).filter((text) => text.startsWith('Resolved: '))).toHaveLength(2);
  });

  it('globex asks for information, waits while pending, and resumes once the Buyer answers', async () => {
    h = await startHarness({ seed: 'ask', profiles: { globex: { ...QUIET, askInformation: 1, technicianVisit: 0 } } });
    const buyer = await h.buyer('globex');
    const { id } = await buyer.createTicket();

    h.runUntil(() => h!.ticket('globex', id).status === 'pending');
    const asked = h.ticket('globex', id);
    expect(asked.note?.at(-1)).toMatchObject({ source: 'seller' });
    expect(h.sandbox.ctx.events('globex').map((e) => e.eventType)).toContain('troubleTicketInformationRequiredEvent');

    h.runFor(12 * HOUR, 10 * 60_000);
    expect(h.ticket('globex', id).status).toBe('pending');

    await buyer.answerWithNote(id, 'The equipment was power-cycled at 09:10; the issue persists.');
    expect(h.ticket('globex', id).status).toBe('inProgress');
    h.runUntil(() => h!.ticket('globex', id).status === 'resolved');
    const resolved = h.ticket('globex', id);
    expect(statusPath(resolved)).toEqual(['acknowledged', 'inProgress', 'pending', 'inProgress', 'resolved']);
    expect(sellerNotes(resolved).some((text) => /thank you/i.test(text))).toBe(true);
    expect(sellerNotes(resolved).at(-1)).toMatch(/^Resolved: /);
  });

  it('sends a technician: the work order waits for the Buyer to book, the visit happens at its time and resolves the ticket', async () => {
    h = await startHarness({ seed: 'visit', profiles: { globex: { ...QUIET, askInformation: 0, technicianVisit: 1, missedAppointment: 0 } } });
    const buyer = await h.buyer('globex');
    const { id } = await buyer.createTicket();

    h.runUntil(() => (h!.ticket('globex', id).workOrder ?? []).length > 0);
    const woId = h.ticket('globex', id).workOrder![0]!.id;
    expect(h.ticket('globex', id).status).toBe('pending');
    expect(h.workOrder('globex', woId)).toMatchObject({ appointmentRequired: true, state: 'open' });
    h.runFor(6 * HOUR, 10 * 60_000);
    expect(h.ticket('globex', id).status).toBe('pending');

    const appt = await buyer.bookFirstSlot(woId);
    expect(h.ticket('globex', id).status).toBe('inProgress');
    const start = Date.parse(appt.validFor.startDateTime);

    h.runUntil(() => h!.appointment('globex', appt.id).status !== 'confirmed', { stepMs: 5 * 60_000, maxSteps: 20_000 });
    expect(h.appointment('globex', appt.id).status).toBe('inProgress');
    expect(h.sandbox.ctx.clock.now().getTime()).toBeGreaterThanOrEqual(start);
    expect(h.workOrder('globex', woId).state).toBe('inProgress');

    h.runUntil(() => h!.appointment('globex', appt.id).status !== 'inProgress', { stepMs: 5 * 60_000 });
    expect(h.appointment('globex', appt.id).status).toBe('completed');
    expect(h.workOrder('globex', woId).state).toBe('completed');
    expect(h.ticket('globex', id).status).toBe('resolved');
    const types = h.sandbox.ctx.events('globex').map((e) => e.eventType);
    expect(types).toEqual(expect.arrayContaining(['workOrderCreateEvent', 'workOrderAppointmentRequiredEvent', 'appointmentStatusChangeEvent', 'troubleTicketResolvedEvent']));
  });

  it('a missed appointment ends the work order unableToComplete and a new one needs an appointment', async () => {
    h = await startHarness({ seed: 'missed', profiles: { globex: { ...QUIET, askInformation: 0, technicianVisit: 1, missedAppointment: 1 } } });
    const buyer = await h.buyer('globex');
    const { id } = await buyer.createTicket();
    h.runUntil(() => (h!.ticket('globex', id).workOrder ?? []).length > 0);
    const woId = h.ticket('globex', id).workOrder![0]!.id;
    const appt = await buyer.bookFirstSlot(woId);
    h.runUntil(() => !['confirmed', 'inProgress'].includes(h!.appointment('globex', appt.id).status), { stepMs: 5 * 60_000, maxSteps: 20_000 });
    expect(h.appointment('globex', appt.id).status).toBe('missed');
    expect(h.appointment('globex', appt.id).note?.at(-1)?.text).toMatch(/could not reach the site/);
    expect(h.workOrder('globex', woId).state).toBe('unableToComplete');
    const next = h.ticket('globex', id).workOrder!.map((r) => r.id).find((w) => w !== woId);
    expect(h.workOrder('globex', next!)).toMatchObject({ state: 'open', appointmentRequired: true });
    expect(h.ticket('globex', id).status).toBe('pending');
    expect(sellerNotes(h.ticket('globex', id)).at(-1)).toMatch(/could not reach the site.*book a new appointment/);
  });

  it('finishes a cancellation', async () => {
    h = await startHarness({ seed: 'cancel', profiles: { acme: { ...QUIET, acknowledgeMinutes: [600, 600] } } });
    const buyer = await h.buyer('acme');
    const { id } = await buyer.createTicket();
    h.scenario.tick();
    await buyer.cancel(id);
    expect(h.ticket('acme', id).status).toBe('assessingCancellation');
    h.runUntil(() => h!.ticket('acme', id).status === 'cancelled');
    expect(statusPath(h.ticket('acme', id))).toEqual(['acknowledged', 'assessingCancellation', 'cancelled']);
  });

  it('finishes a cancellation even if the Seller lost its own assessment job', async () => {
    h = await startHarness({ seed: 'cancel', profiles: { acme: { ...QUIET, acknowledgeMinutes: [600, 600] } } });
    const buyer = await h.buyer('acme');
    const { id } = await buyer.createTicket();
    await buyer.cancel(id);
    h.sandbox.ctx.store.db.prepare('DELETE FROM jobs').run();
    h.runUntil(() => h!.ticket('acme', id).status === 'cancelled');
    expect(h.sandbox.ctx.events('acme').filter((e) => e.eventType === 'troubleTicketStatusChangeEvent')).toHaveLength(2);
  });
});

describe('incidents', () => {
  it('raises incidents on the Buyer products and closes them later; initech raises none', async () => {
    h = await startHarness({
      seed: 'incidents',
      profiles: {
        acme: { incidentEveryMinutes: [30, 30], incidentOpenMinutes: [60, 60] },
        globex: QUIET,
        initech: { incidentEveryMinutes: [30, 30] },
      },
    });
    h.runFor(4 * HOUR);
    const incidents = h.incidents('acme');
    expect(incidents.length).toBeGreaterThanOrEqual(4);
    const products = new Set(h.sandbox.ctx.seller('acme')!.products.map((p) => p.id));
    expect(incidents.every((i) => i.relatedEntity.every((e) => products.has(e.id)))).toBe(true);
    const closed = incidents.filter((i) => i.status === 'closed');
    expect(closed.length).toBeGreaterThanOrEqual(1);
    expect(closed.every((i) => i.closedDate && i.expectedClosedDate)).toBe(true);
    expect(closed.every((i) => (i.statusChange ?? []).map((c) => c.status).join() === 'created,inProgress,closed')).toBe(true);
    const types = new Set(h.sandbox.ctx.events('acme').map((e) => e.eventType));
    expect(types).toEqual(new Set(['incidentCreateEvent', 'incidentStatusChangeEvent', 'incidentAttributeValueChangeEvent']));
    expect(h.incidents('initech')).toEqual([]);
    expect(h.incidents('globex')).toEqual([]);
  });
});

describe('engine', () => {
  it('tells the same story for the same seed', async () => {
    const story = async (seed: string) => {
      const run = await startHarness({ seed, profiles: { globex: QUIET } });
      try {
        const buyer = await run.buyer('globex');
        const ids: string[] = [];
        for (let i = 0; i < 6; i += 1) ids.push((await buyer.createTicket(i % 5)).id);
        for (let hour = 0; hour < 8; hour += 1) {
          run.runFor(HOUR);
          for (const id of ids) {
            const t = run.ticket('globex', id);
            if (t.status === 'pending' && !(t.workOrder ?? []).length) await buyer.answerWithNote(id, 'Here is the information you asked for.');
          }
        }
        return ids.map((id) => {
          const t = run.ticket('globex', id);
          // Ids and instants differ from run to run; what the Seller decided and wrote must not.
          const notes = sellerNotes(t).map((text) =>
            text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<date>'),
          );
          return { path: statusPath(t), notes, workOrders: (t.workOrder ?? []).length };
        });
      } finally {
        await run.close();
      }
    };
    const first = await story('replay-1');
    expect(await story('replay-1')).toEqual(first);
    expect(first.some((t) => t.workOrders > 0)).toBe(true);
    expect(first.some((t) => t.path.includes('pending') && t.workOrders === 0)).toBe(true);
    expect(await story('replay-2')).not.toEqual(first);
  });

  it('logs a failing step, retries it later, and keeps the other Sellers going', async () => {
    h = await startHarness({ seed: 'faulty', profiles: { acme: { ...QUIET, askInformation: 0, technicianVisit: 0 } } });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const buyer = await h.buyer('acme');
    const { id } = await buyer.createTicket();
    const broken = { ...h.ticket('acme', id), id: 'broken-ticket', note: 42 };
    h.sandbox.ctx.store.insert('acme', 'troubleTicket', 'broken-ticket', broken);

    h.runUntil(() => h!.ticket('acme', id).status === 'resolved');
    expect(h.ticket('acme', 'broken-ticket').status).toBe('acknowledged');
    const complaints = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('broken-ticket'));
    expect(complaints.length).toBeGreaterThanOrEqual(2);
  });

  it('stop() clears its timer and later ticks do nothing', async () => {
    const setSpy = vi.spyOn(globalThis, 'setInterval');
    const clearSpy = vi.spyOn(globalThis, 'clearInterval');
    h = await startHarness({ seed: 'stop', profiles: { acme: QUIET, globex: QUIET } });
    const handle = setSpy.mock.results.at(-1)?.value;
    const buyer = await h.buyer('acme');
    const { id } = await buyer.createTicket();
    h.scenario.stop();
    expect(clearSpy).toHaveBeenCalledWith(handle);
    h.sandbox.ctx.clock.advance(24 * HOUR);
    expect(h.scenario.tick()).toBe(0);
    expect(h.ticket('acme', id).status).toBe('acknowledged');
  });
});
