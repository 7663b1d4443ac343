import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { Sidebar } from '@/components/layout/sidebar';
import { parseSidebarCollapsed, parseTheme, SIDEBAR_COOKIE, THEME_COOKIE } from '@/components/layout/theme';
import { TopBar } from '@/components/layout/top-bar';
import { navigationFor, ROLE_LABELS } from '@/lib/auth/permissions';
import { getCurrentUser } from '@/lib/auth/session';

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  if (!user) redirect('/login');
  const jar = await cookies();
  const items = navigationFor(user.role).map(({ href, label }) => ({ href, label }));

  return (
    <div className="flex h-dvh overflow-hidden">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-accent px-3 py-2 text-sm font-medium text-accent-fg focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <Sidebar items={items} initialCollapsed={parseSidebarCollapsed(jar.get(SIDEBAR_COOKIE)?.value)} />
      <div className="flex min-w-0 flex-1 flex-col">
        <TopBar user={user} roleLabel={ROLE_LABELS[user.role]} theme={parseTheme(jar.get(THEME_COOKIE)?.value)} />
        <main id="main" tabIndex={-1} className="flex-1 overflow-y-auto focus:outline-none">
          <div className="mx-auto w-full max-w-[1600px] px-6 py-6 lg:px-8">{children}</div>
        </main>
      </div>
    </div>
  );
}
