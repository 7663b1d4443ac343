import type { ReactNode } from 'react';
import { leaveHref } from '@/lib/security/external-link';

/** A link out of the portal, through the interstitial; a value that is not an http(s) URL is shown as plain text. */
export function ExternalLink({ href, children, className }: { href: string | undefined; children: ReactNode; className?: string }) {
  const target = leaveHref(href);
  if (!target) {
    return (
      <span className="font-medium" title="Not an http(s) link: not followed" data-testid="refused-link">
        {children}
      </span>
    );
  }
  return (
    <a href={target} target="_blank" rel="noopener noreferrer" className={className ?? 'font-medium text-accent hover:underline'}>
      {children}
    </a>
  );
}
