"use client";

import { useQuery } from "@tanstack/react-query";
import { UserPlus, Users } from "lucide-react";
import { useState } from "react";
import { EmptyState } from "../empty-state";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { CreateUserDialog } from "./create-user-dialog";
import { UsersTable } from "./users-table";

export function UsersAdmin() {
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions());
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="users-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="users-heading" className="text-lg font-semibold">
            Users
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            People who sign in to Stevedore. What they may do comes from their roles on the Access tab.
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          <UserPlus aria-hidden className="size-4" />
          New user
        </Button>
      </div>
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : users.isError ? (
        <QueryError error={users.error} what="the users" onRetry={() => void users.refetch()} />
      ) : users.data.length === 0 ? (
        <EmptyState icon={Users} title="No users">
          Create the first one with New user.
        </EmptyState>
      ) : (
        <UsersTable users={users.data} />
      )}
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
