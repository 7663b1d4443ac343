import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { ShortcutsSheet } from '@/components/layout/shortcuts-sheet';
import { Sidebar } from '@/components/layout/sidebar';
import { parseSidebarCollapsed, parseTheme, SIDEBAR_COOKIE, THEME_COOKIE } from '@/components/layout/theme';
import { TopBar } from '@/components/layout/top-bar';
import { LiveFeedProvider } from '@/components/live/live-feed';
import { loginUrl, PATH_HEADER } from '@/lib/auth/callback-url';
import { navigationFor, ROLE_LABELS } from '@/lib/auth/permissions';
import { getCurrentUser } from '@/lib/auth/session';
import { pageFeedPosition } from '@/lib/data/feed-position';

export default async function PortalLayout({ children }: { children: ReactNode }) {
  // Before anything the layout shows is read: the live stream starts from here.
  const feedSeq = await pageFeedPosition();
  const user = await getCurrentUser();
  if (!user) redirect(loginUrl((await headers()).get(PATH_HEADER)));
  const jar = await cookies();
  const items = navigationFor(user.role).map(({ href, label }) => ({ href, label }));

  return (
    <LiveFeedProvider since={feedSeq}>
    <div className="flex h-dvh overflow-hidden">
      <a
        href="#main"
        className="sr-only rounded-md bg-accent text-sm font-medium text-accent-fg shadow-lg focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <div className="hidden md:contents">
        <Sidebar items={items} initialCollapsed={parseSidebarCollapsed(jar.get(SIDEBAR_COOKIE)?.value)} />
      </div>
      <div className="flex min-w-0 flex-1 flex-col">
        <TopBar navigation={items} user={user} roleLabel={ROLE_LABELS[user.role]} theme={parseTheme(jar.get(THEME_COOKIE)?.value)} />
        <main id="main" tabIndex={-1} className="flex-1 overflow-y-auto focus:outline-none">
          <div className="mx-auto w-full max-w-[1600px] px-3 py-4 sm:px-6 sm:py-6 lg:px-8">{children}</div>
        </main>
      </div>
    </div>
    <ShortcutsSheet />
    </LiveFeedProvider>
  );
}
