import { LiveIndicator } from '@/components/live/live-feed';
import { WaitingOnYou } from '@/components/notifications/waiting-on-you';
import { MobileNav } from './mobile-nav';
import type { SidebarItem } from './sidebar';
import type { Theme } from './theme';
import { ThemeToggle } from './theme-toggle';
import { UserMenu } from './user-menu';

export interface TopBarProps {
  /** The entries of the sidebar, offered behind a menu button on narrow screens. */
  navigation: readonly SidebarItem[];
  user: { name: string; email: string; organization?: string };
  roleLabel: string;
  theme: Theme;
}

export function TopBar({ navigation, user, roleLabel, theme }: TopBarProps) {
  return (
    <header className="flex h-13 shrink-0 items-center justify-between gap-4 border-b border-border bg-surface px-2 sm:px-4 lg:px-6">
      <div className="flex min-w-0 items-center gap-2">
        <MobileNav items={navigation} />
        <p className="min-w-0 truncate text-xs text-fg-subtle">{user.organization || null}</p>
      </div>
      <div className="flex shrink-0 items-center gap-1.5">
        <LiveIndicator />
        <WaitingOnYou />
        <ThemeToggle initialTheme={theme} />
        <span aria-hidden="true" className="mx-1 h-5 w-px bg-border max-sm:hidden" />
        <UserMenu name={user.name} email={user.email} roleLabel={roleLabel} organization={user.organization} />
      </div>
    </header>
  );
}
