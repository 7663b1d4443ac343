import type { SandboxContext } from '../context';
import type { SellerConfig } from '../sellers';
import type { Agenda, AgendaItem } from './agenda';
import type { SeededChoice } from './seeded-choice';
import type { SellerProfile } from './seller-profiles';

/** What every step needs: the sandbox, the agenda, the seeded decisions and the Seller clock. */
export interface ScenarioRuntime {
  ctx: SandboxContext;
  agenda: Agenda;
  choice: SeededChoice;
  seller(slug: string): SellerConfig;
  profile(slug: string): SellerProfile;
  /** Seller-clock time, ms. */
  now(): number;
  /** How long a Seller delay really lasts (the clock's speed factor applies). */
  scaled(sellerMs: number): number;
  /** When a Seller delay of `sellerMs`, started now, ends. */
  after(sellerMs: number): number;
  /** When to look again at something that waits on the Buyer or on another entity. */
  recheckAt(): number;
}

export type Step = (rt: ScenarioRuntime, item: AgendaItem) => void;

export function reschedule(rt: ScenarioRuntime, item: AgendaItem, stage: string, dueAt: number): void {
  item.stage = stage;
  item.dueAt = dueAt;
  rt.agenda.save(item);
}

/** Seeded-decision key of an agenda item: stable across runs given the same order of Buyer actions. */
export function keyOf(item: AgendaItem): Array<string | number> {
  return [item.seller, item.kind, item.ordinal, item.round];
}
