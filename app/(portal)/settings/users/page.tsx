import type { Metadata } from 'next';
import Link from 'next/link';
import { SettingsNav } from '@/components/settings/settings-nav';
import { UserCreateForm } from '@/components/settings/user-create-form';
import { UsersTable } from '@/components/settings/users-table';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { listUsers, PASSWORD_MIN_LENGTH } from '@/lib/data/users';

export const metadata: Metadata = { title: 'Users · Settings' };

export default async function UsersPage() {
  const me = await requirePageUser('users.manage', { path: '/settings/users' });
  const users = await listUsers();
  return (
    <>
      <PageHeader
        title="Users"
        eyebrow={<Link href="/settings">Settings</Link>}
        description="Role changes and deactivations apply from the user’s next page or action."
      />
      <SettingsNav current="/settings/users" />
      <div className="flex flex-col gap-6">
        <Card flush>
          <UsersTable users={users} selfId={me.id} passwordMinLength={PASSWORD_MIN_LENGTH} />
        </Card>
        <Card title="New user">
          <UserCreateForm passwordMinLength={PASSWORD_MIN_LENGTH} />
        </Card>
      </div>
    </>
  );
}
