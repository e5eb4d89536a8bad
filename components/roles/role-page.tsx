"use client";

import { useQuery } from "@tanstack/react-query";
import { ShieldQuestion } from "lucide-react";
import { EmptyState } from "../empty-state";
import { useTRPC } from "../trpc";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { RoleEditor } from "./role-editor";

/** One role, found in the list (there is no roles.get), in the editor. */
export function RolePage({ roleId }: { roleId: string }) {
  const trpc = useTRPC();
  const roles = useQuery(trpc.roles.list.queryOptions());
  if (roles.isPending) return <Loading label="Loading the role…" />;
  if (roles.isError) return <QueryError error={roles.error} what="the role" onRetry={() => void roles.refetch()} />;
  const role = roles.data.find((r) => r.id === roleId);
  if (!role) {
    return (
      <EmptyState icon={ShieldQuestion} title="No such role">
        It may have been deleted.
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="role-heading" className="space-y-4">
      <h2 id="role-heading" className="text-lg font-semibold">
        {role.builtin ? role.name : `Edit ${role.name}`}
      </h2>
      <RoleEditor key={role.id} role={role} />
    </section>
  );
}
