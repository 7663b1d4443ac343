import 'server-only';
import type { z } from 'zod';
import { AccessError, requirePermission, type SessionUser } from '@/lib/auth/session';
import type { Permission } from '@/lib/auth/permissions';

/** What every server action returns to its form: field errors under the fields, one message for the whole form. */
export interface ActionState<T = unknown> {
  ok: boolean;
  status?: 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 502 | 503;
  message?: string;
  errors?: Record<string, string[]>;
  data?: T;
}

const permissionOf = new WeakMap<Function, Permission>();

/** The permission an action was declared with (lets tests prove every action is guarded). */
export function actionPermission(action: Function): Permission | undefined {
  return permissionOf.get(action);
}

function formDataToObject(input: FormData | Record<string, unknown>): Record<string, unknown> {
  if (!(input instanceof FormData)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of input.entries()) {
    if (key.startsWith('$ACTION')) continue;
    if (key in out) {
      const prev = out[key];
      out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * Wraps a server action: checks the session and permission on every call, validates the input with `schema`
 * (unknown fields are dropped by the schema, so a tampered form cannot set what the form does not offer), and turns
 * failures into an ActionState.
 * Usable with useActionState: (prevState, formData) → state; or called directly with an object.
 */
export function authorizedAction<S extends z.ZodType, R = unknown>(
  permission: Permission,
  schema: S,
  handler: (input: z.infer<S>, user: SessionUser) => Promise<ActionState<R>>,
) {
  const action = async (
    prevOrInput: ActionState<R> | FormData | Record<string, unknown> | null | undefined,
    maybeForm?: FormData | Record<string, unknown>,
  ): Promise<ActionState<R>> => {
    let user: SessionUser;
    try {
      user = await requirePermission(permission);
    } catch (err) {
      if (err instanceof AccessError) return { ok: false, status: err.status, message: err.message };
      throw err;
    }
    const raw = maybeForm ?? (prevOrInput as FormData | Record<string, unknown> | undefined) ?? {};
    const parsed = schema.safeParse(formDataToObject(raw));
    if (!parsed.success) {
      return { ok: false, status: 400, message: 'Some fields need your attention.', errors: fieldErrors(parsed.error) };
    }
    return handler(parsed.data, user);
  };
  permissionOf.set(action, permission);
  return action;
}
