import type { ReactNode } from 'react';
import { cn } from './class-names';

export interface EmptyStateProps {
  title: ReactNode;
  description?: ReactNode;
  /** A decorative icon (aria-hidden is applied). */
  icon?: ReactNode;
  /** Buttons or links that get the user going. */
  actions?: ReactNode;
  className?: string;
}

export function EmptyState({ title, description, icon, actions, className }: EmptyStateProps) {
  return (
    <div
      className={cn(
        'flex flex-col items-center justify-center rounded-lg border border-dashed border-border-strong',
        'bg-surface/50 px-6 py-14 text-center',
        className,
      )}
    >
      {icon ? (
        <div
          aria-hidden="true"
          className="mb-4 flex size-11 items-center justify-center rounded-full bg-surface-2 text-fg-muted [&_svg]:size-5"
        >
          {icon}
        </div>
      ) : null}
      <h2 className="text-sm font-semibold text-fg">{title}</h2>
      {description ? <p className="mt-1.5 max-w-md text-sm text-fg-muted">{description}</p> : null}
      {actions ? <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{actions}</div> : null}
    </div>
  );
}
