import type { ReactNode } from 'react';
import { cn } from './class-names';

export interface AlertProps {
  tone?: 'info' | 'success' | 'warning' | 'danger';
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
  /** Announce it at once (form errors after submit). */
  live?: boolean;
}

const TONES = {
  info: 'border-info-fg/30 bg-info-bg text-info-fg',
  success: 'border-success-fg/30 bg-success-bg text-success-fg',
  warning: 'border-warning-fg/30 bg-warning-bg text-warning-fg',
  danger: 'border-danger-fg/30 bg-danger-bg text-danger-fg',
} as const;

/** An inline message box, e.g. a form-level error. */
export function Alert({ tone = 'info', title, children, className, live }: AlertProps) {
  return (
    <div
      role={live ? (tone === 'danger' ? 'alert' : 'status') : undefined}
      className={cn('rounded-md border px-3 py-2.5 text-sm', TONES[tone], className)}
    >
      {title ? <p className="font-medium">{title}</p> : null}
      {children ? <div className={title ? 'mt-0.5 text-fg' : undefined}>{children}</div> : null}
    </div>
  );
}
