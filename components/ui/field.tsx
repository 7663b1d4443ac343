import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';
import { cn } from './class-names';

interface ControlProps {
  id?: string;
  required?: boolean;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean | 'true' | 'false';
}

export interface FieldProps {
  label: ReactNode;
  /** One control (Input, Select, Textarea, …): it receives id, aria-describedby, aria-invalid and required. */
  children: ReactElement<ControlProps>;
  /** Id of the control; generated when omitted. */
  id?: string;
  /** Server-side field errors (ActionState.errors[name]) or one message. */
  error?: string | readonly string[] | null;
  hint?: ReactNode;
  required?: boolean;
  /** Shows "(optional)" after the label. */
  optional?: boolean;
  className?: string;
}

export function Field({ label, children, id, error, hint, required, optional, className }: FieldProps) {
  const generated = useId();
  const controlId = id ?? children.props.id ?? `field-${generated}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const messages = error == null ? [] : typeof error === 'string' ? [error] : [...error];
  const errorId = messages.length > 0 ? `${controlId}-error` : undefined;
  const describedBy = [children.props['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined;

  const control = isValidElement(children)
    ? cloneElement(children, {
        id: controlId,
        required: required ?? children.props.required,
        'aria-describedby': describedBy,
        'aria-invalid': errorId ? true : children.props['aria-invalid'],
      })
    : children;

  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      <label htmlFor={controlId} className="text-[13px] font-medium text-fg">
        {label}
        {required ? (
          <span aria-hidden="true" className="ml-0.5 text-danger-fg">
            *
          </span>
        ) : null}
        {optional ? <span className="ml-1 font-normal text-fg-subtle">(optional)</span> : null}
      </label>
      {control}
      {hint ? (
        <p id={hintId} className="text-xs text-fg-muted">
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p id={errorId} className="flex flex-col gap-0.5 text-xs font-medium text-danger-fg">
          {messages.map((m) => (
            <span key={m}>{m}</span>
          ))}
        </p>
      ) : null}
    </div>
  );
}
