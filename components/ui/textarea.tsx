import type { ComponentProps } from 'react';
import { cn } from './class-names';
import { CONTROL } from './input';

export interface TextareaProps extends ComponentProps<'textarea'> {
  invalid?: boolean;
}

export function Textarea({ invalid, className, rows = 4, ...rest }: TextareaProps) {
  return (
    <textarea
      rows={rows}
      aria-invalid={invalid || rest['aria-invalid'] || undefined}
      className={cn(CONTROL, 'min-h-16 px-3 py-2 text-sm leading-relaxed max-md:text-base', className)}
      {...rest}
    />
  );
}
