/**
 * The one rule for a link that leaves the portal (Seller attachments, incident and appointment links, anything a
 * Seller or a user typed): an absolute http or https URL with a host and without credentials. Everything else
 * (javascript:, data:, relative or protocol-relative paths, user:password@host) is not a link. A link that passes
 * goes through the interstitial `/leave`, never straight from a page or as a redirect under our origin.
 */
export function externalUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length > 4000) return null;
  if (!/^https?:\/\//i.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.username || url.password) return null;
  return url;
}

export const LEAVE_PATH = '/leave';

/** Where a page links to reach `value`: the interstitial, or null when `value` is not a link the portal follows. */
export function leaveHref(value: unknown): string | null {
  const url = externalUrl(value);
  return url ? `${LEAVE_PATH}?to=${encodeURIComponent(url.href)}` : null;
}
