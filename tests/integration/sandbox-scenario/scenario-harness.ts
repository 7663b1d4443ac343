import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type RunningSandbox } from '@/sandbox/server';
import { startScenario, type RunningScenario, type ScenarioOptions } from '@/sandbox/scenario';
import type { Appointment, Incident, TroubleTicket, WorkOrder } from '@/sandbox/mef-types';
import { buyerFor, type BuyerClient } from './buyer-client';

export interface ScenarioHarness {
  sandbox: RunningSandbox;
  scenario: RunningScenario;
  buyer(slug: string): Promise<BuyerClient>;
  ticket(seller: string, id: string): TroubleTicket;
  workOrder(seller: string, id: string): WorkOrder;
  appointment(seller: string, id: string): Appointment;
  incidents(seller: string): Incident[];
  /** Moves the Seller clock forward in steps, taking the scenario's due steps after each, until `done` holds. */
  runUntil(done: () => boolean, opts?: { stepMs?: number; maxSteps?: number }): void;
  /** Runs the scenario for a stretch of Seller time. */
  runFor(sellerMs: number, stepMs?: number): void;
  close(): Promise<void>;
}

/**
 * A sandbox in manual mode with the scenario started by hand, so the test owns the engine's options. The
 * engine's timer is effectively idle (one tick an hour); tests drive it through the Seller clock instead.
 */
export async function startHarness(options: ScenarioOptions & { clockSpeed?: number } = {}): Promise<ScenarioHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-scenario-'));
  const { clockSpeed = 1, ...scenarioOptions } = options;
  const sandbox = await startSandbox({ dbPath: path.join(dir, 'sandbox.db'), mode: 'manual', clockSpeed, latency: false, port: 0 });
  const scenario = startScenario(sandbox.ctx, { tickMs: 3_600_000, ...scenarioOptions });
  const { ctx } = sandbox;
  const must = <T>(kind: 'troubleTicket' | 'workOrder' | 'appointment', seller: string, id: string): T => {
    const found = ctx.store.get<T>(seller, kind, id);
    if (!found) throw new Error(`no ${kind} ${id}`);
    return found.doc;
  };
  const harness: ScenarioHarness = {
    sandbox,
    scenario,
    buyer: (slug) => buyerFor(sandbox.url, slug),
    ticket: (seller, id) => must<TroubleTicket>('troubleTicket', seller, id),
    workOrder: (seller, id) => must<WorkOrder>('workOrder', seller, id),
    appointment: (seller, id) => must<Appointment>('appointment', seller, id),
    incidents: (seller) => ctx.store.list<Incident>(seller, 'incident').map((i) => i.doc),
    runUntil(done, { stepMs = 60_000, maxSteps = 5_000 } = {}) {
      for (let step = 0; step < maxSteps; step += 1) {
        if (done()) return;
        ctx.clock.advance(stepMs);
        scenario.tick();
      }
      if (!done()) throw new Error(`not reached within ${maxSteps} steps of ${stepMs} ms`);
    },
    runFor(sellerMs, stepMs = 60_000) {
      for (let t = 0; t < sellerMs; t += stepMs) {
        ctx.clock.advance(stepMs);
        scenario.tick();
      }
    },
    async close() {
      scenario.stop();
      await sandbox.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const statusPath = (t: TroubleTicket): string[] => (t.statusChange ?? []).flatMap((c) => (c.status ? [c.status] : []));
export const sellerNotes = (t: TroubleTicket): string[] => (t.note ?? []).filter((n) => n.source === 'seller').map((n) => n.text);
