import type { ReactNode } from 'react';
import { cn } from './class-names';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'accent';

const TONES: Record<BadgeTone, { box: string; dot: string }> = {
  neutral: { box: 'bg-neutral-bg text-neutral-fg', dot: 'bg-neutral-fg' },
  info: { box: 'bg-info-bg text-info-fg', dot: 'bg-info-fg' },
  success: { box: 'bg-success-bg text-success-fg', dot: 'bg-success-fg' },
  warning: { box: 'bg-warning-bg text-warning-fg', dot: 'bg-warning-fg' },
  danger: { box: 'bg-danger-bg text-danger-fg', dot: 'bg-danger-fg' },
  accent: { box: 'bg-tone-accent-bg text-tone-accent-fg', dot: 'bg-tone-accent-fg' },
};

export interface BadgeProps {
  tone?: BadgeTone;
  /** A small leading dot, for states; colour is never the only signal since the text stays. */
  dot?: boolean;
  children: ReactNode;
  className?: string;
  title?: string;
}

export function Badge({ tone = 'neutral', dot = false, children, className, title }: BadgeProps) {
  const t = TONES[tone];
  return (
    <span
      title={title}
      className={cn(
        'inline-flex h-5 items-center gap-1.5 rounded px-1.5 text-xs font-medium whitespace-nowrap',
        t.box,
        className,
      )}
    >
      {dot ? <span aria-hidden="true" className={cn('size-1.5 rounded-full', t.dot)} /> : null}
      {children}
    </span>
  );
}
