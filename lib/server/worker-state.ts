/**
 * What the start-up code started in this process, for readiness. On globalThis because route handlers are bundled
 * apart from instrumentation.ts and would otherwise see a module of their own.
 */
export type SyncMode = 'child' | 'inline';

export interface WorkersStarted {
  syncMode: SyncMode;
  at: number;
}

const KEY = Symbol.for('sonata-portal.workers-started');
const holder = globalThis as unknown as { [KEY]?: WorkersStarted };

export function recordWorkersStarted(syncMode: SyncMode, at = Date.now()): void {
  holder[KEY] = { syncMode, at };
}

export function workersStarted(): WorkersStarted | undefined {
  return holder[KEY];
}

export function forgetWorkersStarted(): void {
  holder[KEY] = undefined;
}
