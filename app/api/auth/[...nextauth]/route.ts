import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/options';

interface AuthRouteContext {
  params: Promise<{ nextauth: string[] }>;
}

// Options are built per request so configuration is read at run time, not when the build collects routes.
function handler(request: NextRequest, context: AuthRouteContext): Promise<Response> {
  return NextAuth(request, context, authOptions());
}

export { handler as GET, handler as POST };
