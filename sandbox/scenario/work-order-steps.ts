import { APPOINTMENT_ACTIVE } from '@/lib/domain/appointment-state-machine';
import { WORK_ORDER_TERMINAL } from '@/lib/domain/work-order-state-machine';
import type { Appointment, WorkOrder } from '../mef-types';
import type { AgendaItem } from './agenda';
import { keyOf, reschedule, type ScenarioRuntime } from './runtime';
import { minutes } from './seller-profiles';

function hasActiveAppointment(rt: ScenarioRuntime, seller: string, wo: WorkOrder): boolean {
  return (wo.appointment ?? []).some((ref) => {
    const appt = rt.ctx.store.get<Appointment>(seller, 'appointment', ref.id);
    return appt !== undefined && APPOINTMENT_ACTIVE.includes(appt.doc.status);
  });
}

/**
 * Work orders that need a visit move with their appointment. The others are remote work: the Seller starts
 * them, then completes them, which resolves the ticket once nothing else is open.
 */
export function advanceWorkOrder(rt: ScenarioRuntime, item: AgendaItem): void {
  const found = rt.ctx.store.get<WorkOrder>(item.seller, 'workOrder', item.id);
  if (!found || WORK_ORDER_TERMINAL.includes(found.doc.state)) {
    rt.agenda.remove(item);
    return;
  }
  const wo = found.doc;
  const p = rt.profile(item.seller);
  const remoteMs = minutes(rt.choice.between(p.remoteWorkOrderMinutes[0], p.remoteWorkOrderMinutes[1], ...keyOf(item), 'remote'));
  const remote = !wo.appointmentRequired && !hasActiveAppointment(rt, item.seller, wo);

  if (wo.state === 'open' && remote) {
    if (item.stage !== 'queued') {
      reschedule(rt, item, 'queued', rt.after(remoteMs / 3));
      return;
    }
    rt.ctx.actions.setWorkOrderState(item.seller, item.id, 'inProgress');
    reschedule(rt, item, 'remote', rt.after((remoteMs * 2) / 3));
    return;
  }
  if (wo.state === 'inProgress' && item.stage === 'remote' && remote) {
    rt.ctx.actions.setWorkOrderState(item.seller, item.id, 'completed');
    rt.agenda.remove(item);
    return;
  }
  reschedule(rt, item, item.stage === 'queued' ? 'new' : item.stage, rt.recheckAt());
}
