import type { NextRequest } from 'next/server';
import { handleAuthRequest, type AuthRouteContext } from '@/lib/auth/auth-route';

// Options are built per request so configuration is read at run time, not when the build collects routes.
function handler(request: NextRequest, context: AuthRouteContext): Promise<Response> {
  return handleAuthRequest(request, context);
}

export { handler as GET, handler as POST };
