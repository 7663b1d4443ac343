/**
 * The ticket queue's filters as they live in the URL (shareable), the sort orders and the built-in views.
 * Pure: parsing and printing of query strings only.
 */
import {
  OBSERVED_IMPACTS,
  TICKET_PRIORITIES,
  TICKET_SEVERITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type ObservedImpact,
  type TicketPriority,
  type TicketSeverity,
  type TicketStatus,
  type TicketType,
} from './mef-labels';

export const QUEUE_SORTS = ['updated', 'created', 'expected', 'resolved', 'seller', 'state', 'breach'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export const QUEUE_SORT_LABELS: Record<QueueSort, string> = {
  updated: 'Last update',
  created: 'Ticket Creation Date',
  expected: 'Expected Resolved Date',
  resolved: 'Resolved Date',
  seller: 'Seller',
  state: 'Ticket State',
  breach: 'Time to breach',
};

export const QUEUE_PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

export const SYNC_FILTERS = ['queued', 'rejected'] as const;
export type SyncFilter = (typeof SYNC_FILTERS)[number];

/** Service-level filters: a target at risk (not yet breached), or a target breached. */
export const SLA_FILTERS = ['atRisk', 'breached'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];

export interface DateRange {
  /** Inclusive first day, YYYY-MM-DD (UTC). */
  from?: string;
  /** Inclusive last day, YYYY-MM-DD (UTC). */
  to?: string;
}

export interface TicketQueueQuery {
  seller: string[];
  externalId?: string;
  product?: string;
  severity: TicketSeverity[];
  sellerSeverity: TicketSeverity[];
  priority: TicketPriority[];
  sellerPriority: TicketPriority[];
  type: TicketType[];
  impact: ObservedImpact[];
  state: TicketStatus[];
  created: DateRange;
  expected: DateRange;
  resolved: DateRange;
  /** Free text: our ticket id, the Seller's id, the description. */
  q?: string;
  waiting?: 'us' | 'seller';
  /** Only tickets that are not closed or cancelled. */
  open: boolean;
  /** Only tickets I opened. */
  mine: boolean;
  overdue: boolean;
  sync?: SyncFilter;
  sla?: SlaFilter;
  sort: QueueSort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function get(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

function text(params: Params, key: string, max = 200): string | undefined {
  const v = get(params, key)?.trim();
  return v ? v.slice(0, max) : undefined;
}

function list<T extends string>(params: Params, key: string, allowed: readonly T[]): T[] {
  const raw = params instanceof URLSearchParams ? params.getAll(key) : [params[key]].flat();
  const values = raw.flatMap((v) => (v ?? '').split(',')).map((v) => v.trim());
  return [...new Set(values.filter((v): v is T => (allowed as readonly string[]).includes(v)))];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
function day(params: Params, key: string): string | undefined {
  const v = get(params, key)?.trim();
  return v && DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : undefined;
}

function range(params: Params, key: string): DateRange {
  const out: DateRange = {};
  const from = day(params, `${key}From`);
  const to = day(params, `${key}To`);
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}

const flag = (params: Params, key: string) => get(params, key) === '1';

export function parseQueueQuery(params: Params): TicketQueueQuery {
  const sort = get(params, 'sort');
  const dir = get(params, 'dir');
  const page = Number.parseInt(get(params, 'page') ?? '1', 10);
  const size = Number.parseInt(get(params, 'size') ?? String(DEFAULT_PAGE_SIZE), 10);
  const waiting = get(params, 'waiting');
  const sync = get(params, 'sync');
  const query: TicketQueueQuery = {
    seller: [],
    severity: list(params, 'severity', TICKET_SEVERITIES),
    sellerSeverity: list(params, 'sellerSeverity', TICKET_SEVERITIES),
    priority: list(params, 'priority', TICKET_PRIORITIES),
    sellerPriority: list(params, 'sellerPriority', TICKET_PRIORITIES),
    type: list(params, 'type', TICKET_TYPES),
    impact: list(params, 'impact', OBSERVED_IMPACTS),
    state: list(params, 'state', TICKET_STATUSES),
    created: range(params, 'created'),
    expected: range(params, 'expected'),
    resolved: range(params, 'resolved'),
    open: flag(params, 'open'),
    mine: flag(params, 'mine'),
    overdue: flag(params, 'overdue'),
    sort: (QUEUE_SORTS as readonly string[]).includes(sort ?? '') ? (sort as QueueSort) : 'updated',
    dir: dir === 'asc' ? 'asc' : 'desc',
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 100_000) : 1,
    size: (QUEUE_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
  const sellerRaw = params instanceof URLSearchParams ? params.getAll('seller') : [params.seller].flat();
  query.seller = [
    ...new Set(sellerRaw.flatMap((v) => (v ?? '').split(',')).map((v) => v.trim()).filter((v) => /^[a-z0-9-]{1,40}$/.test(v))),
  ];
  const externalId = text(params, 'externalId', 100);
  const product = text(params, 'product', 200);
  const q = text(params, 'q', 200);
  if (externalId) query.externalId = externalId;
  if (product) query.product = product;
  if (q) query.q = q;
  if (waiting === 'us' || waiting === 'seller') query.waiting = waiting;
  if (sync === 'queued' || sync === 'rejected') query.sync = sync;
  const sla = get(params, 'sla');
  if (sla === 'atRisk' || sla === 'breached') query.sla = sla;
  return query;
}

/** The query as a URL search string, defaults left out so links stay short. `page` is dropped unless asked for. */
export function queueSearchParams(query: Partial<TicketQueueQuery>, opts: { keepPage?: boolean } = {}): URLSearchParams {
  const p = new URLSearchParams();
  const lists = ['seller', 'severity', 'sellerSeverity', 'priority', 'sellerPriority', 'type', 'impact', 'state'] as const;
  for (const key of lists) {
    const values = query[key];
    if (values && values.length) p.set(key, values.join(','));
  }
  if (query.externalId) p.set('externalId', query.externalId);
  if (query.product) p.set('product', query.product);
  if (query.q) p.set('q', query.q);
  for (const key of ['created', 'expected', 'resolved'] as const) {
    const r = query[key];
    if (r?.from) p.set(`${key}From`, r.from);
    if (r?.to) p.set(`${key}To`, r.to);
  }
  if (query.waiting) p.set('waiting', query.waiting);
  if (query.open) p.set('open', '1');
  if (query.mine) p.set('mine', '1');
  if (query.overdue) p.set('overdue', '1');
  if (query.sync) p.set('sync', query.sync);
  if (query.sla) p.set('sla', query.sla);
  if (query.sort && query.sort !== 'updated') p.set('sort', query.sort);
  if (query.dir && query.dir !== 'desc') p.set('dir', query.dir);
  if (query.size && query.size !== DEFAULT_PAGE_SIZE) p.set('size', String(query.size));
  if (opts.keepPage && query.page && query.page > 1) p.set('page', String(query.page));
  return p;
}

/** Whether any filter (not sort or paging) is set. */
export function hasFilters(query: TicketQueueQuery): boolean {
  const { sort: _s, dir: _d, page: _p, size: _z, ...filters } = query;
  return queueSearchParams(filters).toString() !== '';
}

export interface QueueView {
  /** Stable key; built-ins start with "builtin:". */
  key: string;
  name: string;
  /** URL search string without a leading "?". */
  search: string;
  builtin: boolean;
}

/** Views every user has; saved views of their own come after these. */
export const BUILTIN_VIEWS: readonly QueueView[] = [
  { key: 'builtin:all-open', name: 'All open', search: 'open=1', builtin: true },
  { key: 'builtin:my-critical', name: 'My critical', search: 'priority=critical&open=1&mine=1', builtin: true },
  { key: 'builtin:waiting-on-us', name: 'Waiting on us', search: 'waiting=us', builtin: true },
  { key: 'builtin:not-sent', name: 'Not yet at the Seller', search: 'sync=queued', builtin: true },
  { key: 'builtin:rejected', name: 'Rejected by the Seller', search: 'sync=rejected', builtin: true },
  { key: 'builtin:sla-at-risk', name: 'SLA at risk', search: 'sla=atRisk&sort=breach&dir=asc', builtin: true },
  { key: 'builtin:sla-breached', name: 'SLA breached', search: 'sla=breached', builtin: true },
];

/** Normalises a search string for storing in a saved view (sort kept, page dropped). */
export function normaliseViewSearch(search: string): string {
  return queueSearchParams(parseQueueQuery(new URLSearchParams(search.replace(/^\?/, '')))).toString();
}

/** Inclusive UTC day range → ISO bounds [from, toExclusive). */
export function dayRangeBounds(range: DateRange): { gte?: string; lt?: string } {
  const out: { gte?: string; lt?: string } = {};
  if (range.from) out.gte = `${range.from}T00:00:00.000Z`;
  if (range.to) out.lt = new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000).toISOString();
  return out;
}
