import type { ComponentProps } from 'react';
import { cn } from './class-names';

export const CONTROL =
  'block w-full rounded-md border border-border-strong bg-surface text-fg placeholder:text-fg-subtle ' +
  'transition-colors hover:border-fg-subtle focus-visible:border-ring focus-visible:outline-2 ' +
  'focus-visible:-outline-offset-1 focus-visible:outline-ring disabled:cursor-not-allowed disabled:opacity-60 ' +
  'aria-invalid:border-danger-fg aria-invalid:focus-visible:outline-danger-fg';

export interface InputProps extends ComponentProps<'input'> {
  invalid?: boolean;
}

export function Input({ invalid, className, ...rest }: InputProps) {
  return (
    <input
      aria-invalid={invalid || rest['aria-invalid'] || undefined}
      className={cn(CONTROL, 'h-9 px-3 text-sm max-md:h-11 max-md:text-base', className)}
      {...rest}
    />
  );
}
