import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_SIGN_IN, loginUrl, safeCallbackPath } from '@/lib/auth/callback-url';

describe('callbackUrl after sign-in', () => {
  it('keeps same-origin relative paths with their query and fragment', () => {
    expect(safeCallbackPath('/tickets')).toBe('/tickets');
    expect(safeCallbackPath('/tickets/TT-1?tab=notes#n3')).toBe('/tickets/TT-1?tab=notes#n3');
    expect(safeCallbackPath('/work-orders/../settings')).toBe('/settings');
  });

  it.each([
    ['an absolute URL', 'https://evil.example/tickets'],
    ['a protocol-relative URL', '//evil.example/tickets'],
    ['a backslash trick', '/\\evil.example'],
    ['a backslash later on', '/tickets\\..\\@evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a tab-split scheme', '/\t/evil.example'],
    ['a relative path without slash', 'tickets'],
    ['the sign-in page itself', '/login?callbackUrl=/tickets'],
    ['an auth API path', '/api/auth/signout'],
    ['an empty value', ''],
    ['a non-string', ['/tickets']],
  ])('rejects %s', (_name, value) => {
    expect(safeCallbackPath(value)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it('builds the sign-in URL with an encoded callback, or none when unsafe', () => {
    expect(loginUrl('/tickets?status=open&x=1')).toBe('/login?callbackUrl=%2Ftickets%3Fstatus%3Dopen%26x%3D1');
    expect(loginUrl('//evil.example')).toBe('/login');
    expect(loginUrl(null)).toBe('/login');
  });
});
