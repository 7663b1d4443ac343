import type { ComponentProps } from 'react';
import { cn } from './class-names';
import { CONTROL } from './input';

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends ComponentProps<'select'> {
  invalid?: boolean;
  /** Rendered before `children`; either or both may be given. */
  options?: readonly SelectOption[];
  /** An empty first option, e.g. "Choose a Seller…". */
  placeholder?: string;
}

export function Select({ invalid, options, placeholder, className, children, ...rest }: SelectProps) {
  return (
    <div className={cn('relative', className)}>
      <select
        aria-invalid={invalid || rest['aria-invalid'] || undefined}
        className={cn(CONTROL, 'h-9 appearance-none pr-8 pl-3 text-sm max-md:h-11 max-md:text-base')}
        {...rest}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options?.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
        {children}
      </select>
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="pointer-events-none absolute top-1/2 right-2.5 size-3.5 -translate-y-1/2 text-fg-subtle"
      >
        <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
    </div>
  );
}
