import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ForbiddenView } from '@/components/layout/forbidden-view';
import { PageHeader } from '@/components/ui/page-header';
import { PERMISSIONS, whyNot, type Permission } from '@/lib/auth/permissions';
import { getCurrentUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'No access' };

function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

export default async function ForbiddenPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await getCurrentUser();
  if (!user) redirect('/login');
  const { need } = await searchParams;
  const reason = isPermission(need) ? whyNot(user.role, need) : null;
  return (
    <>
      <PageHeader title="No access" />
      <ForbiddenView reason={reason} />
    </>
  );
}
