import 'server-only';
import { logger, requestIdOf } from '@/lib/observability/log';
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
    const started = performance.now();
    const requestId = requestIdOf(request);
    let userId: number | undefined;
    let status = 500;
    try {
      const refused = crossSiteRefusal(request);
      if (refused) return withStatus(refused);
      let user: SessionUser;
      try {
        user = await requirePermission(permission);
      } catch (err) {
        if (err instanceof AccessError) return withStatus(Response.json({ error: err.message }, { status: err.status }));
        throw err;
      }
      userId = user.id;
      return withStatus(await handler(request, user, context));
    } finally {
      // The path only: queries may carry search text typed by an operator.
      logger('api').info(
        { requestId, method: request.method, path: pathOf(request), userId: userId ?? null, status, durationMs: Math.round(performance.now() - started) },
        'api request',
      );
    }

    function withStatus(response: Response): Response {
      status = response.status;
      return response;
    }
  };
  permissionOf.set(route, permission);
  return route;
}

function pathOf(request: Request): string {
  try {
    return new URL(request.url).pathname.slice(0, 200);
  } catch {
    return '';
  }
}
