export type Theme = 'dark' | 'light';

export const THEME_COOKIE = 'theme';
export const SIDEBAR_COOKIE = 'sidebar';

/** Dark unless the user chose light: the portal lives on control-room screens. */
export function parseTheme(value: string | undefined | null): Theme {
  return value === 'light' ? 'light' : 'dark';
}

export function parseSidebarCollapsed(value: string | undefined | null): boolean {
  return value === 'collapsed';
}

/** A year-long, site-wide, non-HttpOnly preference cookie (it holds no secret; the client sets it). */
export function preferenceCookie(name: string, value: string): string {
  return `${name}=${value}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
