import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { UserView } from '@/lib/data/users';
import { UserRoleSelect, UserRowActions } from './user-row-actions';

function signInMethods(u: UserView): string {
  if (u.hasPassword) return u.ssoLinked ? 'Password and SSO' : 'Password';
  return u.ssoLinked ? 'SSO only' : 'SSO only, not linked';
}

export function UsersTable({ users, selfId, passwordMinLength }: { users: readonly UserView[]; selfId: number; passwordMinLength: number }) {
  return (
    <Table caption="Users">
      <TableHead>
        <TableRow>
          <TableHeaderCell>User</TableHeaderCell>
          <TableHeaderCell>Role</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell>Sign-in</TableHeaderCell>
          <TableHeaderCell align="right">
            <span className="sr-only">Actions</span>
          </TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {users.map((u) => {
          const self = u.id === selfId;
          const row = { id: u.id, name: u.name, role: u.role, active: u.active, hasPassword: u.hasPassword, ssoLinked: u.ssoLinked };
          return (
            <TableRow key={u.id}>
              <TableCell>
                <span className="font-medium">{u.name}</span>
                {self ? <Badge className="ml-2">You</Badge> : null}
                <div className="text-xs text-fg-muted">{u.email}</div>
              </TableCell>
              <TableCell>
                <UserRoleSelect user={row} self={self} />
              </TableCell>
              <TableCell>
                <Badge tone={u.active ? 'success' : 'neutral'} dot>
                  {u.active ? 'Active' : 'Deactivated'}
                </Badge>
              </TableCell>
              <TableCell className="text-xs text-fg-muted">{signInMethods(u)}</TableCell>
              <TableCell align="right">
                <UserRowActions user={row} self={self} passwordMinLength={passwordMinLength} />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
