import type { ReactNode } from 'react';

const PATHS: Record<string, ReactNode> = {
  '/tickets': (
    <path d="M2.5 5.5a1 1 0 0 1 1-1h13a1 1 0 0 1 1 1V8a2 2 0 0 0 0 4v2.5a1 1 0 0 1-1 1h-13a1 1 0 0 1-1-1V12a2 2 0 0 0 0-4V5.5ZM12.5 4.5v2m0 3v1m0 3v2" />
  ),
  '/incidents': <path d="M10 3.2 17.5 16.3H2.5L10 3.2ZM10 8.5v3.2m0 2.3v.01" />,
  '/appointments': <path d="M3.5 5.5a1 1 0 0 1 1-1h11a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1v-10ZM3.5 8.5h13M7 3v3M13 3v3M7 12h2" />,
  '/work-orders': (
    <path d="M6.5 4.5h-2a1 1 0 0 0-1 1v11a1 1 0 0 0 1 1h11a1 1 0 0 0 1-1v-11a1 1 0 0 0-1-1h-2M7.5 3h5v3h-5V3ZM6.8 11l2 2 4-4.5" />
  ),
  '/dashboard': <path d="M3.5 3.5h5.5v7H3.5v-7ZM11 3.5h5.5v4H11v-4ZM11 9.5h5.5v7H11v-7ZM3.5 12.5h5.5v4H3.5v-4Z" />,
  '/service-levels': <path d="M10 3.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM10 6.5V10l2.5 2" />,
  '/audit': <path d="M5.5 3.5h6l3 3v10h-9v-13ZM11.5 3.5v3h3M8 10h4.5M8 13h4.5" />,
  '/settings': <path d="M3.5 6h8m3 0h2M3.5 14h2m3 0h8M11.5 4v4M5.5 12v4" />,
};

/** The sidebar icon of a navigation entry; a plain dot for an entry without its own drawing. */
export function NavIcon({ href }: { href: string }) {
  return (
    <svg
      viewBox="0 0 20 20"
      aria-hidden="true"
      className="size-[18px] shrink-0"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {PATHS[href] ?? <circle cx="10" cy="10" r="2.5" />}
    </svg>
  );
}
