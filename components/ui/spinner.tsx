import { cn } from './class-names';

export interface SpinnerProps {
  size?: 'sm' | 'md' | 'lg';
  /** Read by screen readers; omit when the surrounding control already says what is loading. */
  label?: string;
  className?: string;
}

const SIZES = { sm: 'size-3.5 border-[1.5px]', md: 'size-5 border-2', lg: 'size-8 border-2' } as const;

export function Spinner({ size = 'md', label, className }: SpinnerProps) {
  return (
    <span role={label ? 'status' : undefined} className={cn('inline-flex items-center', className)}>
      <span
        aria-hidden="true"
        className={cn('inline-block animate-spin rounded-full border-current border-r-transparent opacity-80', SIZES[size])}
      />
      {label ? <span className="sr-only">{label}</span> : null}
    </span>
  );
}
