import type { TroubleTicket } from '../mef-types';
import { hasOpenWorkOrder } from '../tickets';
import type { AgendaItem } from './agenda';
import { keyOf, reschedule, type ScenarioRuntime } from './runtime';
import { NOTES } from './seller-notes';
import { minutes } from './seller-profiles';

/** Stages of a ticket on the agenda; they say what the Seller did last, the ticket's status says where it is. */
type TicketStage = 'new' | 'acknowledging' | 'working' | 'askedInformation' | 'awaitingVisit' | 'finishing' | 'resolved' | 'reopened' | 'cancelling';

interface RoundPlan {
  workMs: number;
  /** Share of the work done before the Seller decides whether it needs the Buyer or a technician. */
  detourAt: number;
}

function roundPlan(rt: ScenarioRuntime, item: AgendaItem): RoundPlan {
  const p = rt.profile(item.seller);
  const key = keyOf(item);
  return {
    workMs: minutes(rt.choice.between(p.workMinutes[0], p.workMinutes[1], ...key, 'work')),
    detourAt: 0.25 + 0.5 * rt.choice.fraction(...key, 'detourAt'),
  };
}

function startRound(rt: ScenarioRuntime, item: AgendaItem): void {
  const { workMs, detourAt } = roundPlan(rt, item);
  rt.ctx.actions.setExpectedResolutionDate(item.seller, item.id, new Date(rt.after(workMs)).toISOString());
  reschedule(rt, item, 'working', rt.after(workMs * detourAt));
}

function remainingWork(rt: ScenarioRuntime, item: AgendaItem): number {
  const { workMs, detourAt } = roundPlan(rt, item);
  return workMs * (1 - detourAt);
}

function decideDetour(rt: ScenarioRuntime, item: AgendaItem, ticket: TroubleTicket): void {
  const p = rt.profile(item.seller);
  const key = keyOf(item);
  const { actions } = rt.ctx;
  if (hasOpenWorkOrder(rt.ctx, item.seller, ticket)) {
    reschedule(rt, item, 'awaitingVisit', rt.recheckAt());
  } else if (rt.choice.chance(p.askInformation, ...key, 'askInformation')) {
    actions.requestInformation(item.seller, item.id, rt.choice.pick(NOTES.askInformation, ...key, 'askText'));
    reschedule(rt, item, 'askedInformation', rt.recheckAt());
  } else if (rt.choice.chance(p.technicianVisit, ...key, 'visit')) {
    actions.createWorkOrder(item.seller, item.id, {
      appointmentRequired: true,
      task: [...rt.choice.pick(NOTES.visitTasks, ...key, 'tasks')],
      durationHours: 2,
      note: rt.choice.pick(NOTES.visit, ...key, 'visitText'),
    });
    reschedule(rt, item, 'awaitingVisit', rt.recheckAt());
  } else {
    reschedule(rt, item, 'finishing', rt.after(remainingWork(rt, item)));
  }
}

function resolve(rt: ScenarioRuntime, item: AgendaItem, ticket: TroubleTicket): void {
  if (hasOpenWorkOrder(rt.ctx, item.seller, ticket)) {
    reschedule(rt, item, item.stage, rt.recheckAt());
    return;
  }
  rt.ctx.actions.resolveTicket(item.seller, item.id, rt.choice.pick(NOTES.resolution, ...keyOf(item), 'resolution'));
  afterResolution(rt, item, rt.now());
}

function afterResolution(rt: ScenarioRuntime, item: AgendaItem, resolvedAt: number): void {
  const timeout = rt.scaled(minutes(rt.profile(item.seller).confirmationTimeoutMinutes));
  reschedule(rt, item, 'resolved', Math.min(resolvedAt + timeout, rt.recheckAt()));
}

/** One look at a ticket: act if the Seller has something to do, otherwise decide when to look again. */
export function advanceTicket(rt: ScenarioRuntime, item: AgendaItem): void {
  const found = rt.ctx.store.get<TroubleTicket>(item.seller, 'troubleTicket', item.id);
  if (!found) {
    rt.agenda.remove(item);
    return;
  }
  const ticket = found.doc;
  const stage = item.stage as TicketStage;
  const key = keyOf(item);
  const { actions } = rt.ctx;
  const p = rt.profile(item.seller);
  const seller = rt.seller(item.seller);

  switch (ticket.status) {
    case 'closed':
    case 'cancelled':
      rt.agenda.remove(item);
      return;

    case 'acknowledged': {
      if (stage !== 'acknowledging') {
        const delay = minutes(rt.choice.between(p.acknowledgeMinutes[0], p.acknowledgeMinutes[1], ...key, 'acknowledge'));
        const createdAt = Date.parse(ticket.creationDate);
        const dueAt = (Number.isNaN(createdAt) ? rt.now() : createdAt) + rt.scaled(delay);
        reschedule(rt, item, 'acknowledging', Math.max(rt.now(), dueAt));
        return;
      }
      actions.moveTicket(item.seller, item.id, 'inProgress', rt.choice.pick(NOTES.startWork, ...key, 'startText'));
      startRound(rt, item);
      return;
    }

    case 'inProgress': {
      if (stage === 'resolved' || stage === 'reopened') {
        item.round += 1;
        startRound(rt, item);
      } else if (stage === 'new' || stage === 'acknowledging' || stage === 'cancelling') {
        startRound(rt, item);
      } else if (stage === 'working') {
        decideDetour(rt, item, ticket);
      } else if (stage === 'askedInformation') {
        // The Buyer's update moved the ticket back to inProgress.
        const rest = remainingWork(rt, item);
        actions.addTicketNote(item.seller, item.id, rt.choice.pick(NOTES.thanks, ...key, 'thanks'));
        actions.setExpectedResolutionDate(item.seller, item.id, new Date(rt.after(rest)).toISOString());
        reschedule(rt, item, 'finishing', rt.after(rest));
      } else if (stage === 'awaitingVisit') {
        if (hasOpenWorkOrder(rt.ctx, item.seller, ticket)) reschedule(rt, item, stage, rt.recheckAt());
        else reschedule(rt, item, 'finishing', rt.after(minutes(5)));
      } else {
        resolve(rt, item, ticket);
      }
      return;
    }

    case 'pending':
      // Waiting for the Buyer's answer or an appointment; the core moves the ticket on when either arrives.
      reschedule(rt, item, stage === 'new' || stage === 'acknowledging' ? 'working' : stage, rt.recheckAt());
      return;

    case 'resolved': {
      if (stage !== 'resolved') {
        const resolvedAt = Date.parse(ticket.resolutionDate ?? '') || rt.now();
        afterResolution(rt, item, resolvedAt);
        return;
      }
      const resolvedAt = Date.parse(ticket.resolutionDate ?? '') || rt.now();
      const closeAt = resolvedAt + rt.scaled(minutes(p.confirmationTimeoutMinutes));
      if (rt.now() < closeAt) {
        reschedule(rt, item, stage, Math.min(closeAt, rt.recheckAt()));
        return;
      }
      actions.moveTicket(item.seller, item.id, 'closed', rt.choice.pick(NOTES.autoClose, ...key, 'autoClose'));
      rt.agenda.remove(item);
      return;
    }

    case 'reopened':
      // The core resumes work after the Seller's delay; step in only if that did not happen.
      if (stage !== 'reopened') reschedule(rt, item, 'reopened', rt.after(2 * seller.delays.resumeAfterReopenMs));
      else {
        actions.resumeAfterReopen(item.seller, item.id);
        reschedule(rt, item, 'reopened', rt.now());
      }
      return;

    case 'assessingCancellation':
      if (stage !== 'cancelling') reschedule(rt, item, 'cancelling', rt.after(2 * seller.delays.cancellationAssessmentMs));
      else {
        actions.completeCancellation(item.seller, item.id);
        reschedule(rt, item, 'cancelling', rt.recheckAt());
      }
      return;
  }
}
