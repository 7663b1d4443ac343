import type { SellerConfig } from '../sellers';

type MinuteRange = readonly [number, number];

/** How a Seller behaves on its own, in Seller minutes (the clock's speed factor shortens them). */
export interface SellerProfile {
  /** acknowledged → inProgress */
  acknowledgeMinutes: MinuteRange;
  /** Hands-on time from starting work to resolving, per round. */
  workMinutes: MinuteRange;
  /** Chance, per round of work, to stop and ask the Buyer for information. */
  askInformation: number;
  /** Chance, per round of work, to send a technician (work order needing an appointment). */
  technicianVisit: number;
  /** A work order without appointment: open → inProgress → completed. */
  remoteWorkOrderMinutes: MinuteRange;
  /** A resolved ticket the Buyer neither closes nor reopens is closed after this long. */
  confirmationTimeoutMinutes: number;
  /** Gap between incidents the Seller raises on the Buyer's products; undefined: none. */
  incidentEveryMinutes?: MinuteRange;
  /** From an incident's creation to its closure. */
  incidentOpenMinutes: MinuteRange;
  /** Chance that the technician misses a confirmed appointment. */
  missedAppointment: number;
}

const MINUTE = 60_000;

const PROFILES: Record<string, SellerProfile> = {
  acme: {
    acknowledgeMinutes: [1, 3],
    workMinutes: [15, 45],
    askInformation: 0.1,
    technicianVisit: 0.05,
    remoteWorkOrderMinutes: [10, 30],
    confirmationTimeoutMinutes: 240,
    incidentEveryMinutes: [180, 420],
    incidentOpenMinutes: [40, 120],
    missedAppointment: 0.02,
  },
  globex: {
    acknowledgeMinutes: [3, 10],
    workMinutes: [30, 90],
    askInformation: 0.5,
    technicianVisit: 0.45,
    remoteWorkOrderMinutes: [20, 60],
    confirmationTimeoutMinutes: 480,
    incidentEveryMinutes: [240, 600],
    incidentOpenMinutes: [60, 180],
    missedAppointment: 0.05,
  },
  initech: {
    acknowledgeMinutes: [10, 30],
    workMinutes: [60, 180],
    askInformation: 0.2,
    technicianVisit: 0.3,
    remoteWorkOrderMinutes: [45, 120],
    confirmationTimeoutMinutes: 720,
    incidentOpenMinutes: [60, 180],
    missedAppointment: 0.1,
  },
};

/** A Seller the table does not know still behaves sensibly, guided by its configuration. */
function fallbackProfile(seller: SellerConfig): SellerProfile {
  const base = seller.workOrdersNeedAppointment ? PROFILES.globex! : PROFILES.acme!;
  const { incidentEveryMinutes, ...rest } = base;
  return seller.offersIncidents && incidentEveryMinutes ? { ...rest, incidentEveryMinutes } : rest;
}

export function profileOf(seller: SellerConfig, overrides?: Partial<SellerProfile>): SellerProfile {
  const profile = { ...(PROFILES[seller.slug] ?? fallbackProfile(seller)), ...overrides };
  // A Seller that offers no incidents never raises one, whatever the overrides say.
  if (!seller.offersIncidents) delete profile.incidentEveryMinutes;
  return profile;
}

export const minutes = (m: number): number => m * MINUTE;
