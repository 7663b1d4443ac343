export { Alert, type AlertProps } from './alert';
export { Badge, type BadgeProps, type BadgeTone } from './badge';
export { Button, buttonClasses, type ButtonProps, type ButtonSize, type ButtonVariant } from './button';
export { Card, type CardProps } from './card';
export { cn } from './class-names';
export { EmptyState, type EmptyStateProps } from './empty-state';
export { Field, type FieldProps } from './field';
export { Input, type InputProps } from './input';
export { PageHeader, type PageHeaderProps } from './page-header';
export { Select, type SelectOption, type SelectProps } from './select';
export { Spinner, type SpinnerProps } from './spinner';
export { TabNav, type TabNavItem, type TabNavProps } from './tab-nav';
export {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
  type TableCellProps,
  type TableHeaderCellProps,
  type TableProps,
  type TableRowProps,
} from './table';
export { Textarea, type TextareaProps } from './textarea';
export { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog';
export { Dialog, type DialogProps } from './dialog';
export { Tabs, type TabItem, type TabsProps } from './tabs';
export { ToastProvider, useToast, type ToastInput, type ToastTone } from './toast';
