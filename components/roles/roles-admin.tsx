"use client";

import { useQuery } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useTRPC } from "../trpc";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { RolesTable } from "./roles-table";
import { ButtonLink } from "../ui/button";

export function RolesAdmin() {
  const trpc = useTRPC();
  const roles = useQuery(trpc.roles.list.queryOptions());
  return (
    <section aria-labelledby="roles-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="roles-heading" className="text-lg font-semibold">
            Roles
          </h2>
          <p className="text-sm text-muted">
            A role is a named set of permissions. Give it to users or teams on the Access tab.
          </p>
        </div>
        <ButtonLink href="/settings/roles/new" variant="primary">
          <Plus aria-hidden className="size-4" />
          New role
        </ButtonLink>
      </div>
      {roles.isPending ? (
        <Loading label="Loading roles…" />
      ) : roles.isError ? (
        <QueryError error={roles.error} what="the roles" onRetry={() => void roles.refetch()} />
      ) : (
        <RolesTable roles={roles.data} />
      )}
    </section>
  );
}
