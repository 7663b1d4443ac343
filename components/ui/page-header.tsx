import type { ReactNode } from 'react';
import { cn } from './class-names';

export interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  /** Breadcrumb or a back link above the title. */
  eyebrow?: ReactNode;
  /** Primary page controls, right-aligned. */
  actions?: ReactNode;
  className?: string;
}

export function PageHeader({ title, description, eyebrow, actions, className }: PageHeaderProps) {
  return (
    <header className={cn('mb-6 flex flex-wrap items-end justify-between gap-x-6 gap-y-3', className)}>
      <div className="min-w-0">
        {eyebrow ? <div className="mb-1 text-xs text-fg-muted">{eyebrow}</div> : null}
        <h1 className="text-xl font-semibold tracking-tight text-fg">{title}</h1>
        {description ? <p className="mt-1 max-w-3xl text-sm text-fg-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2 max-md:min-w-0 max-md:shrink">{actions}</div> : null}
    </header>
  );
}
