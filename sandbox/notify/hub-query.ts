/**
 * Whether a hub's `query` selects an event type. Only `eventType` is a filter Sellers must support; both
 * `eventType=a,b` and `eventType=a&eventType=b` are accepted, and an empty or absent query (or one naming
 * no eventType) selects every event of the API.
 */
export function hubQueryAccepts(query: string | undefined | null, eventType: string): boolean {
  const wanted = eventTypesOf(query);
  return wanted.size === 0 || wanted.has(eventType.toLowerCase());
}

function eventTypesOf(query: string | undefined | null): Set<string> {
  const wanted = new Set<string>();
  const text = (query ?? '').trim().replace(/^\?/, '');
  if (!text) return wanted;
  for (const [key, value] of new URLSearchParams(text)) {
    if (key.trim() !== 'eventType') continue;
    for (const name of value.split(',')) {
      const trimmed = name.trim();
      if (trimmed) wanted.add(trimmed.toLowerCase());
    }
  }
  return wanted;
}
