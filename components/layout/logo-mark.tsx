import { cn } from '@/components/ui/class-names';

/** The product mark: a pulse line, for a tool that watches service health. Same drawing as public/logo.svg. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={cn('size-7 shrink-0', className)}>
      <rect width="32" height="32" rx="7" className="fill-accent" />
      <path
        d="M5 17h5l2.6-6 4.2 12 3.2-8.5 1.6 2.5H27"
        fill="none"
        className="stroke-accent-fg"
        strokeWidth="2.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
