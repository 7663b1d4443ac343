import { LiveIndicator } from '@/components/live/live-feed';
import { WaitingOnYou } from '@/components/notifications/waiting-on-you';
import type { Theme } from './theme';
import { ThemeToggle } from './theme-toggle';
import { UserMenu } from './user-menu';

export interface TopBarProps {
  user: { name: string; email: string; organization?: string };
  roleLabel: string;
  theme: Theme;
}

export function TopBar({ user, roleLabel, theme }: TopBarProps) {
  return (
    <header className="flex h-13 shrink-0 items-center justify-between gap-4 border-b border-border bg-surface px-4 lg:px-6">
      <p className="min-w-0 truncate text-xs text-fg-subtle">{user.organization || null}</p>
      <div className="flex items-center gap-1.5">
        <LiveIndicator />
        <WaitingOnYou />
        <ThemeToggle initialTheme={theme} />
        <span aria-hidden="true" className="mx-1 h-5 w-px bg-border" />
        <UserMenu name={user.name} email={user.email} roleLabel={roleLabel} organization={user.organization} />
      </div>
    </header>
  );
}
