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
  applyTicketStatus,
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
}

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

  /** Moves a ticket one step along the shared transition table, optionally with a Seller note. */
  moveTicket(slug: string, ticketId: string, to: TicketStatus, note?: string): TroubleTicket {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      if (!nextTicketStatuses(ticket.doc.status).includes(to)) {
        const next = nextTicketStatuses(ticket.doc.status);
        throw fail.unprocessable([
          problem('invalidValue', '/status', `From ${ticket.doc.status} a ticket can move to: ${next.join(', ') || 'nothing (terminal)'}`),
        ]);
      }
      if (note) {
        ticket.doc.note = [...(ticket.doc.note ?? []), this.sellerNote(seller, note)];
        publishTicketEvent(this.ctx, slug, ticket, 'troubleTicketAttributeValueChangeEvent');
      }
      applyTicketStatus(this.ctx, slug, ticket, to, note ?? `Seller moved the ticket to ${to}`);
      return this.saveTicket(slug, ticket);
    });
  }

  updateTicketAttributes(slug: string, ticketId: string, input: TicketAttributeInput): TroubleTicket {
    this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      if (input.sellerPriority) ticket.doc.sellerPriority = input.sellerPriority;
      if (input.sellerSeverity) ticket.doc.sellerSeverity = input.sellerSeverity;
      if (input.expectedResolutionDate) ticket.doc.expectedResolutionDate = input.expectedResolutionDate;
      publishTicketEvent(this.ctx, slug, ticket, 'troubleTicketAttributeValueChangeEvent');
      return this.saveTicket(slug, ticket);
    });
  }

  setExpectedResolutionDate(slug: string, ticketId: string, expectedResolutionDate: string): TroubleTicket {
    return this.updateTicketAttributes(slug, ticketId, { expectedResolutionDate });
  }

  /** Adds a note saying what is needed and moves the ticket to pending (informationRequired event). */
  requestInformation(slug: string, ticketId: string, text: string): TroubleTicket {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const ticket = loadTicket(this.ctx, slug, ticketId);
      ticket.doc.note = [...(ticket.doc.note ?? []), this.sellerNote(seller, text)];
      publishTicketEvent(this.ctx, slug, ticket, 'troubleTicketAttributeValueChangeEvent');
      if (!driveTicketTo(this.ctx, slug, ticket, 'pending', 'Seller needs information from the Buyer') && ticket.doc.status !== 'pending') {
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
        throw fail.unprocessable([problem('invalidValue', '/workOrder', 'The ticket still has an open work order')]);
      }
      ticket.doc.note = [...(ticket.doc.note ?? []), this.sellerNote(seller, text, `${seller.name} (resolution)`)];
      if (!driveTicketTo(this.ctx, slug, ticket, 'resolved', text)) {
        throw fail.unprocessable([problem('invalidValue', '/status', `A ticket in status ${ticket.doc.status} cannot be resolved`)]);
      }
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
  relateTicket(slug: string, ticketId: string, input: { referredType: 'Incident' | 'TroubleTicket'; id: string; relationshipType?: string; description?: string }): TroubleTicket {
    this.seller(slug);
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
      const wo = buildWorkOrder(this.ctx, seller, ticket, {
        appointmentRequired,
        task: input.task?.length ? input.task : ['Inspect the customer premises equipment', 'Test the service end to end'],
        durationHours: input.durationHours ?? 2,
        ...(input.note ? { note: input.note } : {}),
      });
      this.ctx.store.insert(slug, 'workOrder', wo.id, wo.doc, wo.meta);
      ticket.doc.workOrder = [...(ticket.doc.workOrder ?? []), { id: wo.id, href: wo.doc.href ?? '' }];
      this.saveTicket(slug, ticket);
      publishWorkOrderEvent(this.ctx, slug, wo, 'workOrderCreateEvent');
      if (appointmentRequired) {
        publishWorkOrderEvent(this.ctx, slug, wo, 'workOrderAppointmentRequiredEvent');
        // TT-G R65: a work order waiting for an appointment keeps its ticket pending.
        if (driveTicketTo(this.ctx, slug, ticket, 'pending', 'A technician appointment is required')) this.saveTicket(slug, ticket);
      } else if (driveTicketTo(this.ctx, slug, ticket, 'inProgress', 'Work order created')) {
        this.saveTicket(slug, ticket);
      }
      return wo.doc;
    });
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
      if (ticket && driveTicketTo(this.ctx, slug, ticket, 'pending', 'A technician appointment is required')) this.saveTicket(slug, ticket);
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

  /** missed: the Seller did not make it; failed: the visit could not happen for a reason on the Buyer side. */
  endAppointmentUnsuccessfully(slug: string, appointmentId: string, outcome: 'missed' | 'failed', note?: string): Appointment {
    const seller = this.seller(slug);
    return this.ctx.atomically(() => {
      const appt = loadAppointment(this.ctx, slug, appointmentId);
      if (note) appt.doc.note = [...(appt.doc.note ?? []), this.sellerNote(seller, note)];
      applyAppointmentStatus(this.ctx, slug, appt, outcome);
      if (note) publishAppointmentEvent(this.ctx, slug, appt, 'appointmentAttributeValueChangeEvent');
      const wo = loadWorkOrder(this.ctx, slug, appt.doc.workOrder.id);
      requireNewAppointment(
        this.ctx,
        slug,
        wo,
        outcome === 'missed' ? 'The technician missed the appointment; a new one is needed' : 'The visit failed; a new appointment is needed',
      );
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
      if (wo.doc.state === 'planned') requireNewAppointment(this.ctx, slug, wo, 'The Seller cancelled the appointment; a new one is needed');
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
