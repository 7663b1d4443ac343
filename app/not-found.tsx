import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-xl items-center px-6">
      <EmptyState
        className="w-full"
        title="Page not found"
        description="The address may be mistyped, or what it pointed to no longer exists."
        actions={
          <Link href="/tickets" className={buttonClasses({ variant: 'primary' })}>
            Go to tickets
          </Link>
        }
      />
    </main>
  );
}
