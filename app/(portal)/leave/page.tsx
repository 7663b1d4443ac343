import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { buttonClasses } from '@/components/ui/button';
import { loginUrl } from '@/lib/auth/callback-url';
import { getCurrentUser } from '@/lib/auth/session';
import { externalUrl } from '@/lib/security/external-link';

export const metadata: Metadata = { title: 'Leaving the portal', referrer: 'no-referrer' };

/** Every link to another site stops here first: the operator sees where it goes before choosing to go. */
export default async function LeavePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { to } = await searchParams;
  const user = await getCurrentUser();
  if (!user) redirect(loginUrl(`/leave?to=${encodeURIComponent(typeof to === 'string' ? to : '')}`));
  const url = externalUrl(to);
  if (!url) {
    return (
      <>
        <PageHeader title="This link is not followed" />
        <Card>
          <p className="text-sm" data-testid="leave-refused">
            The portal only opens http and https addresses. This link is something else, so it is not opened.
          </p>
        </Card>
      </>
    );
  }
  return (
    <>
      <PageHeader title="You are leaving the portal" description="This link was provided by a Seller or typed by a user. Check where it goes before you continue." />
      <Card>
        <div className="flex flex-col gap-3 text-sm">
          <p>
            Destination site: <strong data-testid="leave-host">{url.host}</strong>
            {url.protocol === 'http:' ? <span className="ml-2 text-warning-fg">(not encrypted: http)</span> : null}
          </p>
          <p className="font-mono text-xs break-all text-fg-muted" data-testid="leave-url">
            {url.href}
          </p>
          <div className="flex gap-2">
            <a href={url.href} rel="noopener noreferrer" referrerPolicy="no-referrer" className={buttonClasses({ variant: 'primary' })} data-testid="leave-continue">
              Continue to {url.host}
            </a>
            <Link href="/" className={buttonClasses({ variant: 'secondary' })}>
              Stay in the portal
            </Link>
          </div>
        </div>
      </Card>
    </>
  );
}
