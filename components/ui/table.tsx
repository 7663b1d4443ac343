import type { ComponentProps } from 'react';
import { cn } from './class-names';

export interface TableProps extends ComponentProps<'table'> {
  /** Accessible name of the table, shown to screen readers only unless `showCaption`. */
  caption?: string;
  showCaption?: boolean;
  /** Tighter rows for long lists. */
  dense?: boolean;
}

export function Table({ caption, showCaption, dense, className, children, ...rest }: TableProps) {
  return (
    <div className="w-full overflow-x-auto">
      <table
        data-dense={dense || undefined}
        className={cn('group/table w-full border-collapse text-left text-sm', className)}
        {...rest}
      >
        {caption ? (
          <caption className={showCaption ? 'px-3 py-2 text-left text-xs text-fg-muted' : 'sr-only'}>{caption}</caption>
        ) : null}
        {children}
      </table>
    </div>
  );
}

export function TableHead({ className, ...rest }: ComponentProps<'thead'>) {
  return <thead className={cn('sticky top-0 z-[1] bg-surface-2', className)} {...rest} />;
}

export function TableBody({ className, ...rest }: ComponentProps<'tbody'>) {
  return <tbody className={cn('divide-y divide-border', className)} {...rest} />;
}

export interface TableRowProps extends ComponentProps<'tr'> {
  selected?: boolean;
}

export function TableRow({ selected, className, ...rest }: TableRowProps) {
  return (
    <tr
      aria-selected={selected || undefined}
      className={cn('transition-colors hover:bg-surface-2/60 aria-selected:bg-accent-soft', className)}
      {...rest}
    />
  );
}

export interface TableHeaderCellProps extends ComponentProps<'th'> {
  align?: 'left' | 'right' | 'center';
}

export function TableHeaderCell({ align = 'left', className, scope = 'col', ...rest }: TableHeaderCellProps) {
  return (
    <th
      scope={scope}
      className={cn(
        'h-8 border-b border-border px-3 text-xs font-medium tracking-wide whitespace-nowrap text-fg-muted',
        align === 'right' && 'text-right',
        align === 'center' && 'text-center',
        className,
      )}
      {...rest}
    />
  );
}

export interface TableCellProps extends ComponentProps<'td'> {
  align?: 'left' | 'right' | 'center';
  /** Tabular figures and a mono face for identifiers and times. */
  numeric?: boolean;
}

export function TableCell({ align = 'left', numeric, className, ...rest }: TableCellProps) {
  return (
    <td
      className={cn(
        'px-3 py-2.5 align-middle text-fg group-data-[dense]/table:py-1.5',
        align === 'right' && 'text-right',
        align === 'center' && 'text-center',
        numeric && 'font-mono text-[13px] tabular-nums',
        className,
      )}
      {...rest}
    />
  );
}
