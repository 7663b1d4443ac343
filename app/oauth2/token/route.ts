import { tokenEndpoint } from '@/lib/listener/listener-auth';

/** OAuth2 client-credentials token endpoint for Sellers calling our notification listeners. */
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  return tokenEndpoint(request);
}
