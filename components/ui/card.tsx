import type { ComponentProps, ReactNode } from 'react';
import { cn } from './class-names';

export interface CardProps extends Omit<ComponentProps<'section'>, 'title'> {
  title?: ReactNode;
  description?: ReactNode;
  /** Controls at the right of the header. */
  actions?: ReactNode;
  footer?: ReactNode;
  /** Removes the body padding, e.g. for a Table filling the card. */
  flush?: boolean;
}

export function Card({ title, description, actions, footer, flush, className, children, ...rest }: CardProps) {
  const hasHeader = title || description || actions;
  return (
    <section className={cn('rounded-lg border border-border bg-surface shadow-xs', className)} {...rest}>
      {hasHeader ? (
        <header className="flex items-start justify-between gap-4 border-b border-border px-4 py-3 max-sm:flex-wrap max-sm:gap-2">
          <div className="min-w-0">
            {title ? <h2 className="text-sm font-semibold text-fg">{title}</h2> : null}
            {description ? <p className="mt-0.5 text-xs text-fg-muted">{description}</p> : null}
          </div>
          {actions ? <div className="flex shrink-0 items-center gap-2 max-sm:min-w-0 max-sm:shrink">{actions}</div> : null}
        </header>
      ) : null}
      <div className={flush ? undefined : 'p-4'}>{children}</div>
      {footer ? <footer className="border-t border-border px-4 py-3">{footer}</footer> : null}
    </section>
  );
}
