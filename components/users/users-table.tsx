"use client";

import { useViewer } from "../auth/viewer-context";
import { Badge } from "../ui/badge";
import { formatRelative } from "../ui/format";
import { ActionsHeader, Table, Td, Th } from "../ui/table";
import type { UserRow } from "./types";
import { UserActions } from "./user-actions";

export function UsersTable({ users }: { users: UserRow[] }) {
  const viewer = useViewer();
  return (
    <Table label="Users">
      <thead>
        <tr>
          <Th>User</Th>
          <Th>Email</Th>
          <Th>Teams</Th>
          <Th>Two-factor</Th>
          <Th>Status</Th>
          <Th>Last sign-in</Th>
          <ActionsHeader />
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id} className={user.disabled ? "text-slate-500 dark:text-slate-500" : undefined}>
            <Td className="whitespace-nowrap">
              <div className="font-medium">{user.displayName || user.username}</div>
              <div className="text-xs text-slate-500 dark:text-slate-400">
                @{user.username}
                {user.id === viewer.id ? " (you)" : ""}
              </div>
            </Td>
            <Td>{user.email ?? "—"}</Td>
            <Td>
              {user.teams.length
                ? user.teams.map((team) => `${team.name}${team.leader ? " (leader)" : ""}`).join(", ")
                : "—"}
            </Td>
            <Td>{user.totpEnabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>}</Td>
            <Td>{user.disabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>}</Td>
            <Td>{formatRelative(user.lastLoginAt)}</Td>
            <Td>
              <UserActions user={user} isSelf={user.id === viewer.id} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
