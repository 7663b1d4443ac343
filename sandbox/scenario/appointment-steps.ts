import type { Appointment } from '../mef-types';
import type { AgendaItem } from './agenda';
import { keyOf, reschedule, type ScenarioRuntime } from './runtime';
import { NOTES } from './seller-notes';
import { minutes } from './seller-profiles';

const NO_SHOW_MS = minutes(30);

/**
 * Confirmed appointments start at their time on the Seller clock. The technician then works for the slot's
 * length shortened by the clock's speed factor, never past the slot's end.
 */
export function advanceAppointment(rt: ScenarioRuntime, item: AgendaItem): void {
  const found = rt.ctx.store.get<Appointment>(item.seller, 'appointment', item.id);
  if (!found) {
    rt.agenda.remove(item);
    return;
  }
  const appt = found.doc;
  const start = Date.parse(appt.validFor.startDateTime);
  const end = Date.parse(appt.validFor.endDateTime);
  const key = keyOf(item);
  const { actions } = rt.ctx;

  if (appt.status === 'confirmed') {
    // The Buyer may still move the slot, so look again now and then rather than sleeping until the start.
    if (rt.now() < start) {
      reschedule(rt, item, 'scheduled', Math.min(start, rt.recheckAt()));
      return;
    }
    actions.startAppointment(item.seller, item.id);
    // A missed visit is known once the technician fails to turn up, some way into the slot (the diagram only
    // allows missed from inProgress).
    const missed = rt.choice.chance(rt.profile(item.seller).missedAppointment, ...key, 'missed');
    const onSite = missed ? Math.min(NO_SHOW_MS, Math.max(0, end - start)) : Math.max(0, end - start);
    reschedule(rt, item, missed ? 'noShow' : 'onSite', Math.min(end, rt.now() + rt.scaled(onSite)));
    return;
  }

  if (appt.status === 'inProgress') {
    const onSite = item.stage === 'onSite' || item.stage === 'noShow';
    const finishAt = onSite ? item.dueAt : Math.min(end, start + rt.scaled(Math.max(0, end - start)));
    if (rt.now() < finishAt) {
      reschedule(rt, item, onSite ? item.stage : 'onSite', finishAt);
      return;
    }
    if (item.stage === 'noShow') {
      actions.endAppointmentUnsuccessfully(item.seller, item.id, 'missed', rt.choice.pick(NOTES.appointmentMissed, ...key, 'missedText'));
    } else {
      actions.completeAppointment(item.seller, item.id, rt.choice.pick(NOTES.appointmentDone, ...key, 'doneText'));
    }
  }
  rt.agenda.remove(item);
}
