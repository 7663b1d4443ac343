'use client';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <EmptyState
      className="mt-8"
      title="This page could not be shown"
      description={
        <>
          Something went wrong on our side. Try again; if it keeps happening, give an administrator this reference:{' '}
          <code className="font-mono text-xs">{error.digest ?? 'none'}</code>
        </>
      }
      actions={
        <Button variant="primary" onClick={reset}>
          Try again
        </Button>
      }
    />
  );
}
