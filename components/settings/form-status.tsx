import { Alert } from '@/components/ui/alert';
import type { ActionState } from '@/lib/actions/authorized-action';

/** The form-level outcome of the last submission: success, refusal or the field-error summary. */
export function FormStatus({ state }: { state: ActionState<unknown> }) {
  if (!state.message) return null;
  return (
    <Alert live tone={state.ok ? 'success' : 'danger'}>
      {state.message}
    </Alert>
  );
}
