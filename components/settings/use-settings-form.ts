'use client';

import { startTransition, useActionState, type FormEvent } from 'react';
import type { ActionState } from '@/lib/actions/authorized-action';

type FormAction<T> = (state: ActionState<T>, form: FormData) => Promise<ActionState<T>>;

/**
 * useActionState without React's automatic form reset, so a refused submission keeps what the user typed next to
 * the field errors.
 */
export function useSettingsForm<T>(action: FormAction<T>) {
  const [state, dispatch, pending] = useActionState<ActionState<T>, FormData>(action, { ok: false });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => dispatch(form));
  };
  return { state, pending, onSubmit, errorOf: (field: string) => state.errors?.[field] };
}
