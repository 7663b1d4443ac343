import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export interface ForbiddenViewProps {
  /** Why this role may not open it, from whyNot(); a generic sentence when unknown. */
  reason?: string | null;
  /** Where the "back" button leads. */
  homeHref?: string;
}

export function ForbiddenView({ reason, homeHref = '/tickets' }: ForbiddenViewProps) {
  return (
    <EmptyState
      className="mt-8"
      icon={
        <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round">
          <path d="M5.5 9V6.5a4.5 4.5 0 0 1 9 0V9M4.5 9h11v8h-11V9ZM10 12v2" />
        </svg>
      }
      title="You don’t have access to this page"
      description={reason || 'Your role does not include this part of the portal. Ask an administrator if you need it.'}
      actions={
        <Link href={homeHref} className={buttonClasses({ variant: 'secondary' })}>
          Back to tickets
        </Link>
      }
    />
  );
}
