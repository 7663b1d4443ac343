import type { Incident, PriorityType, SeverityType } from '../mef-types';
import type { AgendaItem } from './agenda';
import { keyOf, reschedule, type ScenarioRuntime } from './runtime';
import { NOTES } from './seller-notes';
import { minutes } from './seller-profiles';

const BY_IMPACT: Record<'down' | 'degraded' | 'intermittent', { priority: PriorityType; severity: SeverityType }> = {
  down: { priority: 'critical', severity: 'extensive' },
  degraded: { priority: 'high', severity: 'significant' },
  intermittent: { priority: 'medium', severity: 'moderate' },
};

/** The Seller's incident generator: raises an incident on one of the Buyer's products, then waits for the next. */
export function raiseIncident(rt: ScenarioRuntime, item: AgendaItem): void {
  const seller = rt.seller(item.seller);
  const every = rt.profile(item.seller).incidentEveryMinutes;
  if (!seller.offersIncidents || !every || seller.products.length === 0) {
    rt.agenda.remove(item);
    return;
  }
  if (item.stage !== 'new') {
    const key = keyOf(item);
    const kind = rt.choice.pick(NOTES.incident, ...key, 'kind');
    const product = rt.choice.pick(seller.products, ...key, 'product');
    const openMs = minutes(
      rt.choice.between(rt.profile(item.seller).incidentOpenMinutes[0], rt.profile(item.seller).incidentOpenMinutes[1], ...key, 'open'),
    );
    rt.ctx.actions.createIncident(item.seller, {
      description: `${kind.description} (${product.name})`,
      productIds: [product.id],
      impact: kind.impact,
      incidentType: kind.incidentType,
      ...BY_IMPACT[kind.impact],
      situationStartDate: new Date(rt.now() - rt.scaled(minutes(rt.choice.between(2, 15, ...key, 'since')))).toISOString(),
      expectedClosedDate: new Date(rt.after(openMs)).toISOString(),
    });
    item.round += 1;
  }
  const gap = minutes(rt.choice.between(every[0], every[1], item.seller, item.kind, item.round, 'gap'));
  reschedule(rt, item, 'waiting', rt.after(gap));
}

/** created → inProgress → (an update) → closed, over the incident's planned open time. */
export function advanceIncident(rt: ScenarioRuntime, item: AgendaItem): void {
  const found = rt.ctx.store.get<Incident>(item.seller, 'incident', item.id);
  if (!found || found.doc.status === 'closed') {
    rt.agenda.remove(item);
    return;
  }
  const incident = found.doc;
  const key = keyOf(item);
  const p = rt.profile(item.seller);
  const openMs = minutes(rt.choice.between(p.incidentOpenMinutes[0], p.incidentOpenMinutes[1], ...key, 'open'));
  const { actions } = rt.ctx;

  if (incident.status === 'created') {
    if (item.stage !== 'detected') {
      reschedule(rt, item, 'detected', rt.after(openMs / 6));
      return;
    }
    actions.setIncidentStatus(item.seller, item.id, 'inProgress', rt.choice.pick(NOTES.incidentWorking, ...key, 'working'));
    reschedule(rt, item, 'working', rt.after(openMs / 2));
    return;
  }
  if (item.stage === 'working' && rt.choice.chance(0.6, ...key, 'update')) {
    actions.updateIncident(item.seller, item.id, { note: rt.choice.pick(NOTES.incidentUpdate, ...key, 'updateText') });
    reschedule(rt, item, 'updated', rt.after(openMs / 3));
    return;
  }
  if (item.stage === 'working' || item.stage === 'updated') {
    actions.setIncidentStatus(item.seller, item.id, 'closed', rt.choice.pick(NOTES.incidentClosed, ...key, 'closedText'));
    rt.agenda.remove(item);
    return;
  }
  // Found already in progress (raised by hand, or after a restart): finish it over the rest of its time.
  reschedule(rt, item, 'working', rt.after(openMs / 2));
}
