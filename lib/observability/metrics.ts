import client from 'prom-client';

/**
 * The portal's Prometheus metrics: one registry per process (the server and the sync process each keep their own;
 * /api/metrics merges them, told apart by the `process` label). Callers record through the functions below, which
 * keep every label value inside a fixed set: whatever a caller sends, a series count never grows with traffic.
 */

export const UNKNOWN_SELLER = 'unknown';
const MAX_SELLER_LABELS = 200;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const LISTENER_OUTCOMES = [
  'accepted',
  'duplicate',
  'noListener',
  'unauthorized',
  'forbidden',
  'sellerDisabled',
  'wrongReferencePoint',
  'wrongMediaType',
  'bodyTooLarge',
  'bodyUnreadable',
  'notJson',
  'schemaInvalid',
  'eventTypeMismatch',
  'badEventId',
  'badResourceId',
  'storageFailed',
] as const;
export type ListenerOutcome = (typeof LISTENER_OUTCOMES)[number];

const LISTENER_APIS = ['troubleTicket', 'appointment', 'workOrder'] as const;
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'network', 'protocol', 'schema', 'other'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
const CIRCUIT_STATES = ['closed', 'open', 'halfOpen'] as const;
const OPERATION = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

interface Metrics {
  registry: client.Registry;
  sellers: Set<string>;
  listenerCalls: client.Counter<'seller' | 'api' | 'outcome'>;
  listenerAck: client.Histogram<'api'>;
  sellerCalls: client.Counter<'seller' | 'operation' | 'status_class'>;
  sellerCallSeconds: client.Histogram<'seller' | 'operation'>;
  circuitState: client.Gauge<'seller' | 'state'>;
  liveConnections: client.Gauge;
  inboxBacklog: client.Gauge<'seller'>;
  inboxOldestAge: client.Gauge<'seller'>;
  outboxItems: client.Gauge<'seller' | 'state'>;
  outboxOldestAge: client.Gauge<'seller'>;
  feedLagEntries: client.Gauge;
  feedLagSeconds: client.Gauge;
  periodicJobRuns: client.Counter<'job' | 'outcome'>;
  circuitSources: Array<CircuitSource>;
  feedReader?: () => number | undefined;
}

type CircuitSource = () => Promise<Array<{ seller: string; state: string }>> | Array<{ seller: string; state: string }>;

const KEY = Symbol.for('sonata-portal.metrics');
const holder = globalThis as unknown as { [KEY]?: Metrics };

/** Which process this is, as the `process` label says; set once by the process's entry point. */
export function metricsProcessName(): string {
  return process.env.PORTAL_PROCESS_ROLE === 'sync' ? 'sync' : 'server';
}

function create(): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ process: metricsProcessName() });
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];
  const circuitSources: Metrics['circuitSources'] = [];
  const latency = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  const metrics: Metrics = {
    registry,
    sellers: new Set(),
    circuitSources,
    listenerCalls: new client.Counter({
      name: 'sonata_listener_calls_total',
      help: 'Seller notifications received by our listeners, by Seller, notification API and outcome (accepted, duplicate or the refusal reason)',
      labelNames: ['seller', 'api', 'outcome'],
      registers,
    }),
    listenerAck: new client.Histogram({
      name: 'sonata_listener_ack_seconds',
      help: 'Time from a notification arriving to its answer (204 after the durable insert, or the refusal)',
      labelNames: ['api'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    sellerCalls: new client.Counter({
      name: 'sonata_seller_calls_total',
      help: 'Calls to Seller APIs by Seller, operation and status class (2xx…5xx, or timeout, network, protocol, schema)',
      labelNames: ['seller', 'operation', 'status_class'],
      registers,
    }),
    sellerCallSeconds: new client.Histogram({
      name: 'sonata_seller_call_seconds',
      help: 'Duration of calls to Seller APIs',
      labelNames: ['seller', 'operation'],
      buckets: latency,
      registers,
    }),
    circuitState: new client.Gauge({
      name: 'sonata_seller_circuit_state',
      help: 'Circuit breaker of each Seller in this process: 1 for its current state (closed, open, halfOpen), 0 for the others',
      labelNames: ['seller', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const source of circuitSources) {
          for (const { seller, state } of await source()) {
            for (const s of CIRCUIT_STATES) this.set({ seller: sellerLabel(seller), state: s }, s === state ? 1 : 0);
          }
        }
      },
    }),
    liveConnections: new client.Gauge({ name: 'sonata_live_connections', help: 'Open live-update streams (/api/live)', registers }),
    inboxBacklog: new client.Gauge({
      name: 'sonata_inbox_backlog',
      help: 'Seller notifications received and not yet applied',
      labelNames: ['seller'],
      registers,
    }),
    inboxOldestAge: new client.Gauge({
      name: 'sonata_inbox_oldest_age_seconds',
      help: 'Age of the oldest notification not yet applied (0 when none waits)',
      labelNames: ['seller'],
      registers,
    }),
    outboxItems: new client.Gauge({
      name: 'sonata_outbox_items',
      help: 'Buyer operations in the outbox by Seller and state (pending, rejected, done)',
      labelNames: ['seller', 'state'],
      registers,
    }),
    outboxOldestAge: new client.Gauge({
      name: 'sonata_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest Buyer operation still waiting to reach its Seller (0 when none waits)',
      labelNames: ['seller'],
      registers,
    }),
    feedLagEntries: new client.Gauge({
      name: 'sonata_change_feed_lag_entries',
      help: 'Change-feed entries written but not yet read by this server’s live streams',
      registers,
    }),
    feedLagSeconds: new client.Gauge({
      name: 'sonata_change_feed_lag_seconds',
      help: 'Age of the oldest change-feed entry this server’s live streams have not read yet (0 when caught up)',
      registers,
    }),
    periodicJobRuns: new client.Counter({
      name: 'sonata_periodic_job_runs_total',
      help: 'Runs of periodic jobs (SLA sweep, reconciliation, retention, …) this process claimed, by outcome',
      labelNames: ['job', 'outcome'],
      registers,
    }),
  };
  return metrics;
}

function metrics(): Metrics {
  holder[KEY] ??= create();
  return holder[KEY];
}

export function metricsRegistry(): client.Registry {
  return metrics().registry;
}

/** Sellers of the registry, as their rows are read: the only Seller label values besides `unknown`. */
export function noteKnownSellers(slugs: Iterable<string>): void {
  const known = metrics().sellers;
  for (const slug of slugs) if (SLUG.test(slug) && known.size < MAX_SELLER_LABELS) known.add(slug);
}

/** A registered Seller's slug as it is; anything else, one value. */
export function sellerLabel(slug: string | undefined): string {
  return slug && metrics().sellers.has(slug) ? slug : UNKNOWN_SELLER;
}

function operationLabel(operationId: string): string {
  return OPERATION.test(operationId) ? operationId : 'other';
}

export function recordListenerCall(call: { seller: string | undefined; api: string; outcome: ListenerOutcome; seconds: number }): void {
  const m = metrics();
  const api = (LISTENER_APIS as readonly string[]).includes(call.api) ? call.api : 'other';
  m.listenerCalls.inc({ seller: sellerLabel(call.seller), api, outcome: call.outcome });
  m.listenerAck.observe({ api }, call.seconds);
}

const JOB = /^[a-z][a-zA-Z0-9-]{0,39}$/;

/** Job names are constants of the code; anything else is counted as `other`. */
export function recordPeriodicJobRun(run: { job: string; outcome: 'ok' | 'failed' }): void {
  metrics().periodicJobRuns.inc({ job: JOB.test(run.job) ? run.job : 'other', outcome: run.outcome });
}

export function statusClassOf(status: number): StatusClass {
  if (status >= 200 && status < 600) return `${Math.floor(status / 100)}xx` as StatusClass;
  return 'other';
}

export function recordSellerCall(call: { seller: string; operation: string; statusClass: StatusClass; seconds: number }): void {
  const m = metrics();
  const labels = { seller: sellerLabel(call.seller), operation: operationLabel(call.operation) };
  m.sellerCalls.inc({ ...labels, status_class: call.statusClass });
  m.sellerCallSeconds.observe(labels, call.seconds);
}

/** A source of circuit states, read at each scrape (the process's breakers register one). */
export function addCircuitSource(source: CircuitSource): void {
  const sources = metrics().circuitSources;
  if (!sources.includes(source)) sources.push(source);
}

/** The live streams' reader of the change feed says where it has read up to (undefined while no stream is open). */
export function setFeedReader(reader: () => number | undefined): void {
  metrics().feedReader = reader;
}

export function feedReadPosition(): number | undefined {
  return metrics().feedReader?.();
}

export function liveConnectionOpened(): void {
  metrics().liveConnections.inc();
}

export function liveConnectionClosed(): void {
  metrics().liveConnections.dec();
}

export interface QueueSnapshot {
  inbox: Array<{ seller: string; pending: number; oldestAgeSeconds: number }>;
  outbox: Array<{ seller: string; state: string; count: number }>;
  outboxOldest: Array<{ seller: string; oldestAgeSeconds: number }>;
  feed: { lagEntries: number; lagSeconds: number };
}

/** Sets the gauges read from the database at scrape time; every known Seller gets a value, 0 when idle. */
export function setQueueGauges(snapshot: QueueSnapshot): void {
  const m = metrics();
  const backlog = new Map<string, number>();
  const inboxAge = new Map<string, number>();
  const outboxAge = new Map<string, number>();
  const items = new Map<string, number>();
  for (const seller of m.sellers) {
    backlog.set(seller, 0);
    inboxAge.set(seller, 0);
    outboxAge.set(seller, 0);
    for (const state of ['pending', 'rejected', 'done']) items.set(`${seller}\u0000${state}`, 0);
  }
  for (const row of snapshot.inbox) {
    const seller = sellerLabel(row.seller);
    backlog.set(seller, (backlog.get(seller) ?? 0) + row.pending);
    inboxAge.set(seller, Math.max(inboxAge.get(seller) ?? 0, row.oldestAgeSeconds));
  }
  for (const row of snapshot.outbox) {
    const key = `${sellerLabel(row.seller)}\u0000${row.state}`;
    items.set(key, (items.get(key) ?? 0) + row.count);
  }
  for (const row of snapshot.outboxOldest) {
    const seller = sellerLabel(row.seller);
    outboxAge.set(seller, Math.max(outboxAge.get(seller) ?? 0, row.oldestAgeSeconds));
  }
  for (const gauge of [m.inboxBacklog, m.inboxOldestAge, m.outboxItems, m.outboxOldestAge]) gauge.reset();
  for (const [seller, n] of backlog) m.inboxBacklog.set({ seller }, n);
  for (const [seller, age] of inboxAge) m.inboxOldestAge.set({ seller }, age);
  for (const [seller, age] of outboxAge) m.outboxOldestAge.set({ seller }, age);
  for (const [key, n] of items) {
    const [seller, state] = key.split('\u0000') as [string, string];
    m.outboxItems.set({ seller, state }, n);
  }
  m.feedLagEntries.set(snapshot.feed.lagEntries);
  m.feedLagSeconds.set(snapshot.feed.lagSeconds);
}

export type MetricsJson = Awaited<ReturnType<client.Registry['getMetricsAsJSON']>>;

/** This process's metrics as JSON, for merging with another process's. */
export function metricsAsJson(): Promise<MetricsJson> {
  return metrics().registry.getMetricsAsJSON();
}

/** One exposition (Prometheus text format) of several processes' metrics. */
export async function mergedExposition(parts: MetricsJson[]): Promise<{ body: string; contentType: string }> {
  const merged = client.AggregatorRegistry.aggregate(parts);
  return { body: await merged.metrics(), contentType: merged.contentType };
}
