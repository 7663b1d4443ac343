import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { loginUrl, PATH_HEADER } from './callback-url';
import { can, type Permission } from './permissions';
import { getCurrentUser, type SessionUser } from './session';

export function forbiddenUrl(permission: Permission): string {
  return `/forbidden?need=${encodeURIComponent(permission)}`;
}

/**
 * For server pages: the signed-in user when they hold `permission`. Without a session it redirects to the sign-in
 * page with a callbackUrl back here; with a session but without the permission it redirects to the 403 page,
 * which says why.
 */
export async function requirePageUser(permission: Permission, options: { path?: string } = {}): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) {
    const path = options.path ?? (await headers()).get(PATH_HEADER);
    redirect(loginUrl(path));
  }
  if (!can(user.role, permission)) redirect(forbiddenUrl(permission));
  return user;
}
