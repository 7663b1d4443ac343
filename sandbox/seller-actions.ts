import type { IncidentStatus } from '@/lib/domain/incident-state-machine';
import { nextTicketStatuses, type TicketStatus } from '@/lib/domain/ticket-state-machine';
import { WORK_ORDER_OPEN_STATES, type WorkOrderState } from '@/lib/domain/work-order-state-machine';
import { applyAppointmentStatus, loadAppointment, publishAppointmentEvent, requireNewAppointment } from './appointments';
import type { SandboxContext } from './context';
import { fail, problem } from './http';
import { createIncident, setIncidentStatus, updateIncident, type IncidentChange, type IncidentInput } from './incidents';
import type { Appointment, Incident, PriorityType, SeverityType, TicketAttachment, TroubleTicket, WorkOrder } from './mef-types';
import type { SellerConfig } from './sellers';
import { newId, type BuyerAuth, type StoredEntity } from './store';
import {
  addSellerTicketNote,
  applyTicketStatus,
  awaitBuyer,
  CANCELLATION_JOB,
  driveTicketTo,
  hasOpenWorkOrder,
  loadTicket,
  publishTicketEvent,
  RESUME_JOB,
} from './tickets';
import {
  buildWorkOrder,
  loadWorkOrder,
  publishWorkOrderEvent,
  setAppointmentRequired,
  setWorkOrderState,
  workOrderTicket,
} from './work-orders';

export interface AttachmentInput {
  name: string;
  url?: string;
  content?: string;
  mimeType?: string;
  description?: string;
  author?: string;
}

export interface WorkOrderInput {
  appointmentRequired?: boolean;
  task?: string[];
  durationHours?: number;
  note?: string;
}

export interface TicketAttributeInput {
  sellerPriority?: PriorityType;
  sellerSeverity?: SeverityType;
  expectedResolutionDate?: string;
  /** Why; added to the Seller note that comes with the change. */
  note?: string;
}

/** Ticket statuses only a Buyer operation leads to. */
const BUYER_ONLY_TARGETS: Partial<Record<TicketStatus, string>> = {
  reopened: 'its reopen operation (rejecting the resolution)',
  assessingCancellation: 'its cancel operation',
};

function visitNeeded(workOrderId: string, why?: string): string {
  return `${why ? `${why} ` : ''}Work order ${workOrderId} needs a technician visit: please search for a time slot and book an appointment.`;
}

const DEFAULT_INFORMATION_REQUEST =
  'We need more information to continue: please update the ticket with what you observe now and when it last happened.';

/**
 * What a Seller does on its own initiative. The control API and the scenario engine both drive the sandbox
 * through these, so every Seller-side change raises the same events.
 */
export class SellerActions {
  constructor(private readonly ctx: SandboxContext) {
    ctx.clock.on(CANCELLATION_JOB, (job) => this.completeCancellation(job.seller, String(job.payload.ticketId)));
    ctx.clock.on(RESUME_JOB, (job) => this.resumeAfterReopen(job.seller, String(job.payload.ticketId)));
  }

  private seller(slug: string): SellerConfig {
    const seller = this.ctx.seller(slug);
    if (!seller) throw fail.notFound(`No Seller ${slug}`);
    return seller;
  }

  private saveTicket(slug: string, ticket: StoredEntity<TroubleTicket>): TroubleTicket {
    this.ctx.store.update(slug, 'troubleTicket', ticket.id, ticket.doc);
    return ticket.doc;
  }

  private sellerNote(seller: SellerConfig, text: string, author?: string) {
    return { id: newId(), author: author ?? seller.name, date: this.ctx.clock.nowIso(), source: 'seller' as const, text };
  }

  // --- tickets -------------------------------------------------------------------------------------------

  /**
   * Moves a ticket one step along the Seller's transitions, optionally with a Seller note. The Buyer's moves
   * (reopened, assessingCancellation) are refused; pending always gets a note saying what is needed (the given
   * one or a general request for information); resolved needs a resolution note and no open work order.
   */
  moveTicket(slug: string, ticketId: string, to: TicketStatus, note?: string): TroubleTicket {
    this.seller(slug);
    const buyerMove = BUYER_ONLY_TARGETS[to];
    if (buyerMove) {
      throw fail.unprocessable([problem('invalidValue', '/status', `Only the Buyer moves a ticket to ${to}, with ${buyerMove}; a Seller cannot`)]);
    }
    if (to === 'resolved' && !note) {
      throw fail.unprocessable([problem('missingProperty', '/note', 'Resolving a ticket needs a resolution note saying what was done')]);
    }
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      const next = nextTicketStatuses(ticket.doc.status, 'seller');
      if (!next.includes(to)) {
        throw fail.unprocessable([
          problem('invalidValue', '/status', `From ${ticket.doc.status} the Seller can move a ticket to: ${next.join(', ') || 'nothing (it waits for the Buyer or is terminal)'}`),
        ]);
      }
      if (to === 'pending') {
        driveTicketTo(this.ctx, slug, ticket, 'pending', note ?? DEFAULT_INFORMATION_REQUEST);
        return this.saveTicket(slug, ticket);
      }
      if (to === 'resolved' && note) {
        if (hasOpenWorkOrder(this.ctx, slug, ticket.doc)) {
          throw fail.unprocessable([problem('invalidValue', '/workOrder', 'The ticket still has an open work order; complete or cancel it first')]);
        }
        addSellerTicketNote(this.ctx, slug, ticket, note, `${this.seller(slug).name} (resolution)`);
        applyTicketStatus(this.ctx, slug, ticket, to, note, 'seller');
        return this.saveTicket(slug, ticket);
      }
      if (note) addSellerTicketNote(this.ctx, slug, ticket, note);
      applyTicketStatus(this.ctx, slug, ticket, to, note ?? `Seller moved the ticket to ${to}`, 'seller');
      return this.saveTicket(slug, ticket);
    });
  }

  /** Changes the Seller's own attributes; a new expected resolution date comes with a Seller note (R26, TT-G R22). */
  updateTicketAttributes(slug: string, ticketId: string, input: TicketAttributeInput): TroubleTicket {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      if (input.sellerPriority) ticket.doc.sellerPriority = input.sellerPriority;
      if (input.sellerSeverity) ticket.doc.sellerSeverity = input.sellerSeverity;
      const dateChanged =
        input.expectedResolutionDate !== undefined &&
        Date.parse(input.expectedResolutionDate) !== Date.parse(ticket.doc.expectedResolutionDate ?? '');
      if (input.expectedResolutionDate && dateChanged) {
        ticket.doc.expectedResolutionDate = input.expectedResolutionDate;
        const why = input.note ? ` ${input.note}` : '';
        ticket.doc.note = [
          ...(ticket.doc.note ?? []),
          this.sellerNote(seller, `Expected resolution date is now ${new Date(input.expectedResolutionDate).toISOString()}.${why}`),
        ];
      } else if (input.note) {
        ticket.doc.note = [...(ticket.doc.note ?? []), this.sellerNote(seller, input.note)];
      }
      publishTicketEvent(this.ctx, slug, ticket, 'troubleTicketAttributeValueChangeEvent');
      return this.saveTicket(slug, ticket);
    });
  }

  setExpectedResolutionDate(slug: string, ticketId: string, expectedResolutionDate: string, note?: string): TroubleTicket {
    return this.updateTicketAttributes(slug, ticketId, { expectedResolutionDate, ...(note ? { note } : {}) });
  }

  /** Adds a note saying what is needed and moves the ticket to pending (informationRequired event). */
  requestInformation(slug: string, ticketId: string, text: string): TroubleTicket {
    this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      if (!awaitBuyer(this.ctx, slug, ticket, text)) {
        throw fail.unprocessable([problem('invalidValue', '/status', `A ticket in status ${ticket.doc.status} cannot wait for information`)]);
      }
      return this.saveTicket(slug, ticket);
    });
  }

  resolveTicket(slug: string, ticketId: string, text: string): TroubleTicket {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      if (hasOpenWorkOrder(this.ctx, slug, ticket.doc)) {
        throw fail.unprocessable([problem('invalidValue', '/workOrder', 'The ticket still has an open work order; complete or cancel it first')]);
      }
      if (!['acknowledged', 'inProgress', 'pending', 'reopened'].includes(ticket.doc.status)) {
        throw fail.unprocessable([problem('invalidValue', '/status', `A ticket in status ${ticket.doc.status} cannot be resolved`)]);
      }
      addSellerTicketNote(this.ctx, slug, ticket, text, `${seller.name} (resolution)`);
      driveTicketTo(this.ctx, slug, ticket, 'resolved', text);
      return this.saveTicket(slug, ticket);
    });
  }

  addTicketNote(slug: string, ticketId: string, text: string, author?: string): TroubleTicket {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      ticket.doc.note = [...(ticket.doc.note ?? []), this.sellerNote(seller, text, author)];
      publishTicketEvent(this.ctx, slug, ticket, 'troubleTicketAttributeValueChangeEvent');
      return this.saveTicket(slug, ticket);
    });
  }

  addTicketAttachment(slug: string, ticketId: string, input: AttachmentInput): TroubleTicket {
    const seller = this.seller(slug);
    if (!input.url && !(input.content && input.mimeType)) {
      throw fail.unprocessable([problem('missingProperty', '/url', 'An attachment needs a url, or content with a mimeType')]);
    }
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      const attachment: TicketAttachment = {
        attachmentId: newId(),
        author: input.author ?? seller.name,
        creationDate: this.ctx.clock.nowIso(),
        name: input.name,
        source: 'seller',
        ...(input.url ? { url: input.url } : {}),
        ...(input.content ? { content: input.content } : {}),
        ...(input.mimeType ? { mimeType: input.mimeType } : {}),
        ...(input.description ? { description: input.description } : {}),
      };
      ticket.doc.attachment = [...(ticket.doc.attachment ?? []), attachment];
      publishTicketEvent(this.ctx, slug, ticket, 'troubleTicketAttributeValueChangeEvent');
      return this.saveTicket(slug, ticket);
    });
  }

  /** Records a Seller-sourced relation from the ticket to an incident or another ticket. */
  relateTicket(
    slug: string,
    ticketId: string,
    input: { referredType: 'Incident' | 'TroubleTicket'; id: string; relationshipType?: string; description?: string; note?: string },
  ): TroubleTicket {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      const kind = input.referredType === 'Incident' ? 'incident' : 'troubleTicket';
      if (!this.ctx.store.get(slug, kind, input.id)) throw fail.unprocessable([problem('referenceNotFound', '/id', `No ${input.referredType} ${input.id}`)]);
      ticket.doc.relatedIssue = [
        ...(ticket.doc.relatedIssue ?? []),
        {
          '@referredType': input.referredType,
          id: input.id,
          creationDate: this.ctx.clock.nowIso(),
          description: input.description ?? 'Related by the Seller',
          relationshipType: input.relationshipType ?? 'isCausedBy',
          source: 'seller',
        },
      ];
      // R26, TT-G R22: a new related issue comes with a Seller note.
      const why = input.note ?? input.description;
      const label = input.referredType === 'Incident' ? 'incident' : 'trouble ticket';
      ticket.doc.note = [
        ...(ticket.doc.note ?? []),
        this.sellerNote(seller, `Related ${label} ${input.id} (${input.relationshipType ?? 'isCausedBy'}).${why ? ` ${why}` : ''}`),
      ];
      publishTicketEvent(this.ctx, slug, ticket, 'troubleTicketAttributeValueChangeEvent');
      return this.saveTicket(slug, ticket);
    });
  }

  completeCancellation(slug: string, ticketId: string): void {
    this.ctx.atomically(() => {
      const ticket = this.ctx.store.get<TroubleTicket>(slug, 'troubleTicket', ticketId);
      if (!ticket || ticket.doc.status !== 'assessingCancellation') return;
      for (const ref of ticket.doc.workOrder ?? []) {
        const wo = this.ctx.store.get<WorkOrder>(slug, 'workOrder', ref.id);
        if (!wo) continue;
        for (const apptRef of wo.doc.appointment ?? []) {
          const appt = this.ctx.store.get<Appointment>(slug, 'appointment', apptRef.id);
          if (appt?.doc.status === 'confirmed') applyAppointmentStatus(this.ctx, slug, appt, 'cancelled');
        }
        if (wo.doc.state === 'open' || wo.doc.state === 'planned') setWorkOrderState(this.ctx, slug, wo, 'cancelled');
      }
      const fresh = loadTicket(this.ctx, slug, ticketId);
      applyTicketStatus(this.ctx, slug, fresh, 'cancelled', 'Cancellation accepted by the Seller', 'seller');
      this.saveTicket(slug, fresh);
    });
  }

  resumeAfterReopen(slug: string, ticketId: string): void {
    this.ctx.atomically(() => {
      const ticket = this.ctx.store.get<TroubleTicket>(slug, 'troubleTicket', ticketId);
      if (!ticket || ticket.doc.status !== 'reopened') return;
      applyTicketStatus(this.ctx, slug, ticket, 'inProgress', 'Seller resumed work after the resolution was rejected', 'seller');
      this.saveTicket(slug, ticket);
    });
  }

  // --- work orders ---------------------------------------------------------------------------------------

  createWorkOrder(slug: string, ticketId: string, input: WorkOrderInput = {}): WorkOrder {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      if (['closed', 'cancelled', 'assessingCancellation', 'resolved'].includes(ticket.doc.status)) {
        throw fail.unprocessable([problem('invalidValue', '/status', `No work order can be added to a ${ticket.doc.status} ticket`)]);
      }
      const appointmentRequired = input.appointmentRequired ?? seller.workOrdersNeedAppointment;
      const wo = this.openWorkOrder(seller, ticket, {
        appointmentRequired,
        task: input.task?.length ? input.task : ['Inspect the customer premises equipment', 'Test the service end to end'],
        durationHours: input.durationHours ?? 2,
        ...(input.note ? { note: input.note } : {}),
      });
      if (appointmentRequired) {
        // TT-G R65: a work order waiting for an appointment keeps its ticket pending, with a note saying so (R63).
        if (awaitBuyer(this.ctx, slug, ticket, visitNeeded(wo.id, input.note))) this.saveTicket(slug, ticket);
      } else if (driveTicketTo(this.ctx, slug, ticket, 'inProgress', 'Work order created')) {
        this.saveTicket(slug, ticket);
      }
      return wo.doc;
    });
  }

  /** Stores a new work order on the ticket and announces it; the ticket's status is the caller's. */
  private openWorkOrder(
    seller: SellerConfig,
    ticket: StoredEntity<TroubleTicket>,
    options: { appointmentRequired: boolean; task: string[]; durationHours: number; note?: string },
  ): StoredEntity<WorkOrder> {
    const slug = seller.slug;
    const wo = buildWorkOrder(this.ctx, seller, ticket, options);
    this.ctx.store.insert(slug, 'workOrder', wo.id, wo.doc, wo.meta);
    ticket.doc.workOrder = [...(ticket.doc.workOrder ?? []), { id: wo.id, href: wo.doc.href ?? '' }];
    this.saveTicket(slug, ticket);
    publishWorkOrderEvent(this.ctx, slug, wo, 'workOrderCreateEvent');
    if (options.appointmentRequired) publishWorkOrderEvent(this.ctx, slug, wo, 'workOrderAppointmentRequiredEvent');
    return wo;
  }

  /**
   * A visit that started and did not happen: MEF 113 Table 43 has no way back from inProgress, so the work order
   * ends unableToComplete and a new one, with the same tasks, waits for the Buyer to book an appointment.
   */
  private replaceWorkOrder(slug: string, wo: StoredEntity<WorkOrder>, what: string): void {
    const seller = this.seller(slug);
    wo.doc.note = [...(wo.doc.note ?? []), this.sellerNote(seller, `${what} This work order ends here; the work goes on under a new work order.`)];
    setWorkOrderState(this.ctx, slug, wo, 'unableToComplete');
    const ticket = workOrderTicket(this.ctx, slug, wo);
    if (!ticket) return;
    const hours = wo.doc.duration.timeDurationUnits === 'HOUR' ? wo.doc.duration.timeDurationValue : 2;
    const next = this.openWorkOrder(seller, ticket, {
      appointmentRequired: true,
      task: wo.doc.task,
      durationHours: hours,
      note: `Replaces work order ${wo.id}. ${what}`,
    });
    if (awaitBuyer(this.ctx, slug, ticket, `${what} Please search for a time slot and book a new appointment for work order ${next.id}.`)) {
      this.saveTicket(slug, ticket);
    }
  }

  setWorkOrderState(slug: string, workOrderId: string, state: WorkOrderState): WorkOrder {
    this.seller(slug);
    return this.ctx.atomically(() => {
      const wo = loadWorkOrder(this.ctx, slug, workOrderId);
      setWorkOrderState(this.ctx, slug, wo, state);
      if (state === 'completed') this.afterWorkOrderDone(slug, wo, 'All work order tasks completed');
      return wo.doc;
    });
  }

  requireAppointment(slug: string, workOrderId: string): WorkOrder {
    this.seller(slug);
    return this.ctx.atomically(() => {
      const wo = loadWorkOrder(this.ctx, slug, workOrderId);
      if (wo.doc.state !== 'open') {
        throw fail.unprocessable([problem('invalidValue', '/state', 'Only an open work order can ask for an appointment')]);
      }
      setAppointmentRequired(this.ctx, slug, wo, true);
      const ticket = workOrderTicket(this.ctx, slug, wo);
      if (ticket && awaitBuyer(this.ctx, slug, ticket, visitNeeded(wo.id))) this.saveTicket(slug, ticket);
      return wo.doc;
    });
  }

  private afterWorkOrderDone(slug: string, wo: StoredEntity<WorkOrder>, resolution: string): void {
    const seller = this.seller(slug);
    const ticket = workOrderTicket(this.ctx, slug, wo);
    if (!ticket || hasOpenWorkOrder(this.ctx, slug, ticket.doc)) return;
    if (!WORK_ORDER_OPEN_STATES.includes(wo.doc.state)) {
      ticket.doc.note = [...(ticket.doc.note ?? []), this.sellerNote(seller, resolution, `${seller.name} (resolution)`)];
      if (driveTicketTo(this.ctx, slug, ticket, 'resolved', resolution)) this.saveTicket(slug, ticket);
    }
  }

  // --- appointments --------------------------------------------------------------------------------------

  startAppointment(slug: string, appointmentId: string): Appointment {
    this.seller(slug);
    return this.ctx.atomically(() => {
      const appt = loadAppointment(this.ctx, slug, appointmentId);
      applyAppointmentStatus(this.ctx, slug, appt, 'inProgress');
      const wo = loadWorkOrder(this.ctx, slug, appt.doc.workOrder.id);
      setWorkOrderState(this.ctx, slug, wo, 'inProgress');
      return appt.doc;
    });
  }

  completeAppointment(slug: string, appointmentId: string, note?: string): Appointment {
    this.seller(slug);
    return this.ctx.atomically(() => {
      const appt = loadAppointment(this.ctx, slug, appointmentId);
      applyAppointmentStatus(this.ctx, slug, appt, 'completed');
      const wo = loadWorkOrder(this.ctx, slug, appt.doc.workOrder.id);
      setWorkOrderState(this.ctx, slug, wo, 'completed');
      this.afterWorkOrderDone(slug, wo, note ?? 'The technician completed the work on site');
      return appt.doc;
    });
  }

  /**
   * missed: the Seller did not make it; failed: the visit could not happen for a reason on the Buyer side. The
   * work order cannot go back to open from inProgress, so a new work order takes over (see replaceWorkOrder).
   */
  endAppointmentUnsuccessfully(slug: string, appointmentId: string, outcome: 'missed' | 'failed', note?: string): Appointment {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const appt = loadAppointment(this.ctx, slug, appointmentId);
      if (note) appt.doc.note = [...(appt.doc.note ?? []), this.sellerNote(seller, note)];
      applyAppointmentStatus(this.ctx, slug, appt, outcome);
      if (note) publishAppointmentEvent(this.ctx, slug, appt, 'appointmentAttributeValueChangeEvent');
      const wo = loadWorkOrder(this.ctx, slug, appt.doc.workOrder.id);
      const what =
        outcome === 'missed'
          ? `Our technician missed appointment ${appt.id}${note ? ` (${note})` : ''}.`
          : `The visit of appointment ${appt.id} could not take place${note ? ` (${note})` : ''}.`;
      if (wo.doc.state === 'inProgress') this.replaceWorkOrder(slug, wo, what);
      else if (wo.doc.state === 'planned') requireNewAppointment(this.ctx, slug, wo, what);
      return appt.doc;
    });
  }

  cancelAppointment(slug: string, appointmentId: string, note?: string): Appointment {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const appt = loadAppointment(this.ctx, slug, appointmentId);
      if (note) appt.doc.note = [...(appt.doc.note ?? []), this.sellerNote(seller, note)];
      applyAppointmentStatus(this.ctx, slug, appt, 'cancelled');
      if (note) publishAppointmentEvent(this.ctx, slug, appt, 'appointmentAttributeValueChangeEvent');
      const wo = loadWorkOrder(this.ctx, slug, appt.doc.workOrder.id);
      if (wo.doc.state === 'planned') {
        requireNewAppointment(this.ctx, slug, wo, `We cancelled appointment ${appt.id}${note ? ` (${note})` : ''}.`);
      }
      return appt.doc;
    });
  }

  addAppointmentNote(slug: string, appointmentId: string, text: string): Appointment {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const appt = loadAppointment(this.ctx, slug, appointmentId);
      appt.doc.note = [...(appt.doc.note ?? []), this.sellerNote(seller, text)];
      this.ctx.store.update(slug, 'appointment', appt.id, appt.doc);
      publishAppointmentEvent(this.ctx, slug, appt, 'appointmentAttributeValueChangeEvent');
      return appt.doc;
    });
  }

  // --- incidents -----------------------------------------------------------------------------------------

  createIncident(slug: string, input: IncidentInput): Incident {
    return createIncident(this.ctx, this.seller(slug), input);
  }

  updateIncident(slug: string, incidentId: string, change: IncidentChange): Incident {
    return updateIncident(this.ctx, this.seller(slug), incidentId, change);
  }

  setIncidentStatus(slug: string, incidentId: string, status: IncidentStatus, note?: string): Incident {
    return setIncidentStatus(this.ctx, this.seller(slug), incidentId, status, note);
  }

  // --- Buyer listener credentials ------------------------------------------------------------------------

  setBuyerAuth(slug: string, auth: BuyerAuth): void {
    this.seller(slug);
    this.ctx.store.setBuyerAuth(slug, auth);
  }
}
