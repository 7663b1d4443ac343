import 'server-only';
import { crossSiteRefusal } from '@/lib/security/same-origin';
import { AccessError, requirePermission, type SessionUser } from './session';
import type { Permission } from './permissions';

type Handler<C> = (request: Request, user: SessionUser, context: C) => Promise<Response> | Response;

const permissionOf = new WeakMap<Function, Permission>();

export function routePermission(handler: Function): Permission | undefined {
  return permissionOf.get(handler);
}

/**
 * Route handlers for signed-in users: 401/403 JSON unless the user holds `permission`; state-changing requests
 * from another site are refused first, since the session cookie would ride along.
 */
export function guardedRoute<C = unknown>(permission: Permission, handler: Handler<C>) {
  const route = async (request: Request, context: C): Promise<Response> => {
    const refused = crossSiteRefusal(request);
    if (refused) return refused;
    let user: SessionUser;
    try {
      user = await requirePermission(permission);
    } catch (err) {
      if (err instanceof AccessError) return Response.json({ error: err.message }, { status: err.status });
      throw err;
    }
    return handler(request, user, context);
  };
  permissionOf.set(route, permission);
  return route;
}
