"use client";

// The users list's columns: who, how to reach them, their teams, two-factor, status, last
// sign-in, and the actions (./user-actions).
import { useViewer } from "../auth/viewer-context";
import { columnHelper, type DataColumn } from "../data-table/features";
import { Badge } from "../ui/badge";
import { formatDateTime, formatRelative } from "../ui/format";
import type { UserRow } from "./types";
import { UserActions } from "./user-actions";

const column = columnHelper<UserRow>();

function UserCell({ user }: { user: UserRow }) {
  const viewer = useViewer();
  return (
    <>
      <div className="truncate font-medium">{user.displayName || user.username}</div>
      <div className="truncate text-xs text-subtle">
        @{user.username}
        {user.id === viewer.id ? " (you)" : ""}
      </div>
    </>
  );
}

function ActionsCell({ user }: { user: UserRow }) {
  const viewer = useViewer();
  return <UserActions user={user} isSelf={user.id === viewer.id} />;
}

const teamsOf = (user: UserRow) => user.teams.map((team) => `${team.name}${team.leader ? " (leader)" : ""}`).join(", ");

export const userColumns: DataColumn<UserRow>[] = [
  column.accessor((user) => (user.displayName || user.username).toLowerCase(), {
    id: "user",
    header: "User",
    enableHiding: false,
    cell: ({ row }) => <UserCell user={row.original} />,
    meta: { minWidth: 180 },
  }),
  column.accessor((user) => user.email ?? "", {
    id: "email",
    header: "Email",
    cell: ({ row }) => <span className="block truncate">{row.original.email ?? "—"}</span>,
    meta: { minWidth: 160, priority: 40 },
  }),
  column.accessor(teamsOf, {
    id: "teams",
    header: "Teams",
    enableSorting: false,
    cell: ({ row }) => <span className="block truncate">{teamsOf(row.original) || "—"}</span>,
    meta: { minWidth: 140, priority: 50 },
  }),
  column.accessor((user) => (user.totpEnabled ? 1 : 0), {
    id: "totp",
    header: "Two-factor",
    cell: ({ row }) => (row.original.totpEnabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>),
    meta: { width: 110, priority: 30 },
  }),
  column.accessor((user) => (user.disabled ? 1 : 0), {
    id: "status",
    header: "Status",
    cell: ({ row }) =>
      row.original.disabled ? (
        <Badge tone="red">Disabled</Badge>
      ) : row.original.mustChangePassword ? (
        <span title="Signs in, then must choose a new password before anything else">
          <Badge tone="amber">Password due</Badge>
        </span>
      ) : (
        <Badge tone="green">Active</Badge>
      ),
    meta: { width: 100, priority: 20 },
  }),
  column.accessor((user) => (user.lastLoginAt ? new Date(user.lastLoginAt).getTime() : 0), {
    id: "lastLogin",
    header: "Last sign-in",
    cell: ({ row }) => (
      <span className="whitespace-nowrap" title={formatDateTime(row.original.lastLoginAt)}>
        {formatRelative(row.original.lastLoginAt)}
      </span>
    ),
    meta: { width: 130, priority: 60 },
  }),
  column.display({
    id: "actions",
    enableHiding: false,
    cell: ({ row }) => <ActionsCell user={row.original} />,
    meta: { label: "Actions", width: 200, sticky: "right", align: "end" },
  }),
];
