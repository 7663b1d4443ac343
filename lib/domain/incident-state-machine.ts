import type { components } from '@/lib/sonata/generated/trouble-ticket';

export type IncidentStatus = components['schemas']['IncidentStatusType'];

export interface IncidentTransition {
  from: IncidentStatus;
  to: IncidentStatus;
  trigger: string;
}

/** Seller-driven only: the Buyer reads incidents. */
export const INCIDENT_TRANSITIONS: readonly IncidentTransition[] = [
  { from: 'created', to: 'inProgress', trigger: 'Seller works on the incident' },
  { from: 'created', to: 'closed', trigger: 'Incident closed' },
  { from: 'inProgress', to: 'inProgress', trigger: 'Incident updated' },
  { from: 'inProgress', to: 'closed', trigger: 'Incident closed' },
];

export const INCIDENT_TERMINAL: readonly IncidentStatus[] = ['closed'];

export function canIncidentMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return INCIDENT_TRANSITIONS.some((t) => t.from === from && t.to === to);
}
