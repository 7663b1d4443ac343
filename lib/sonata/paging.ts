/** One page of a MEF list answer, with the paging headers the list operations declare. */
export interface ListPage<T> {
  items: T[];
  /** X-Total-Count: all matches on the Seller. */
  totalCount?: number;
  /** X-Result-Count: items in this page. */
  resultCount?: number;
  /** X-Pagination-Throttled: the Seller returned fewer items than asked for. */
  throttled?: boolean;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface CollectOptions {
  /** `limit` asked per page (default 100). */
  pageSize?: number;
  /** Stop after this many items even if the Seller has more (default 5000). */
  maxItems?: number;
  /** Stop after this many requests (default 100). */
  maxPages?: number;
}

export interface CollectedList<T> {
  items: T[];
  /** False when a safety cap stopped the walk before the Seller's list was exhausted. */
  complete: boolean;
  totalCount?: number;
}

export function parseListHeaders(headers: Headers): Omit<ListPage<never>, 'items'> {
  const page: Omit<ListPage<never>, 'items'> = {};
  const total = parseCount(headers.get('X-Total-Count'));
  if (total !== undefined) page.totalCount = total;
  const result = parseCount(headers.get('X-Result-Count'));
  if (result !== undefined) page.resultCount = result;
  const throttled = headers.get('X-Pagination-Throttled');
  if (throttled !== null && throttled.trim() !== '') page.throttled = throttled.trim().toLowerCase() === 'true';
  return page;
}

function parseCount(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Walks a list with offset/limit until the Seller's list is exhausted or a cap is reached. */
export async function collectAllPages<T>(
  fetchPage: (page: PageRequest) => Promise<ListPage<T>>,
  options: CollectOptions = {},
): Promise<CollectedList<T>> {
  const pageSize = Math.max(1, options.pageSize ?? 100);
  const maxItems = Math.max(1, options.maxItems ?? 5000);
  const maxPages = Math.max(1, options.maxPages ?? 100);
  const items: T[] = [];
  let totalCount: number | undefined;

  for (let pages = 0; pages < maxPages; pages++) {
    const limit = Math.min(pageSize, maxItems - items.length);
    const page = await fetchPage({ offset: items.length, limit });
    if (page.totalCount !== undefined) totalCount = page.totalCount;
    const room = maxItems - items.length;
    items.push(...page.items.slice(0, room));

    const exhausted =
      page.items.length === 0 ||
      // A Seller that ignores `limit` has sent everything at once.
      page.items.length > limit ||
      (totalCount !== undefined ? items.length >= totalCount : page.items.length < limit && !page.throttled);
    if (exhausted && page.items.length <= room) return finish(items, true, totalCount);
    if (items.length >= maxItems) return finish(items, false, totalCount);
  }
  return finish(items, false, totalCount);
}

function finish<T>(items: T[], complete: boolean, totalCount: number | undefined): CollectedList<T> {
  return totalCount === undefined ? { items, complete } : { items, complete, totalCount };
}
