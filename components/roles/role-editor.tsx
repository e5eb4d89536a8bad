"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import type { Permission } from "@/server/rbac/catalogue";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { groupPermissions } from "./group-permissions";
import { PermissionMatrix } from "./permission-matrix";
import type { RoleRow } from "./types";

/** Creates a role (no `role`), edits a custom one, or shows a built-in one read-only. */
export function RoleEditor({ role }: { role?: RoleRow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const catalogue = useQuery(trpc.roles.catalogue.queryOptions());
  const groups = useMemo(() => groupPermissions(catalogue.data ?? []), [catalogue.data]);
  const readOnly = role?.builtin ?? false;
  const [name, setName] = useState(role?.name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [selected, setSelected] = useState<Set<string>>(() => new Set(role?.permissions ?? []));

  const backToList = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
    router.push("/settings/roles");
  };
  const create = useMutation(trpc.roles.create.mutationOptions({ onSuccess: backToList }));
  const update = useMutation(trpc.roles.update.mutationOptions({ onSuccess: backToList }));
  const save = role ? update : create;
  const errors = formErrors(save.error, ["name", "description", "permissions"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { name, description, permissions: [...selected] };
    if (role) update.mutate({ id: role.id, ...input });
    else create.mutate(input);
  };

  if (catalogue.isPending) return <Loading label="Loading the permission catalogue…" />;
  if (catalogue.isError)
    return <QueryError error={catalogue.error} what="the permissions" onRetry={() => void catalogue.refetch()} />;

  const lacking = catalogue.data.some((e) => !holdsEverywhere(viewer, e.permission));
  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      {readOnly ? (
        <Alert tone="info">Built-in roles cannot be changed. To adjust one, create a role of your own.</Alert>
      ) : null}
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      <div className="grid max-w-2xl gap-4 sm:grid-cols-2">
        <TextField
          label="Role name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          readOnly={readOnly}
          autoComplete="off"
          error={errors.fields.name}
          required
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          readOnly={readOnly}
          autoComplete="off"
          error={errors.fields.description}
        />
      </div>
      <div className="space-y-2">
        <p className="text-sm text-muted">
          {selected.size} of {catalogue.data.length} permissions. Most apply on the environments the role is bound to;
          Global ones count only when it is bound to all environments.
          {lacking && !readOnly
            ? " Greyed-out permissions are ones you do not hold everywhere, so you cannot grant them."
            : ""}
        </p>
        {errors.fields.permissions ? <Alert>{errors.fields.permissions}</Alert> : null}
        <PermissionMatrix
          groups={groups}
          selected={selected}
          onChange={setSelected}
          grantable={(p) => holdsEverywhere(viewer, p as Permission)}
          readOnly={readOnly}
        />
      </div>
      <div className="flex gap-2">
        {readOnly ? null : (
          <Button type="submit" variant="primary" pending={save.isPending}>
            {role ? "Save role" : "Create role"}
          </Button>
        )}
        <Button onClick={() => router.push("/settings/roles")}>{readOnly ? "Back to roles" : "Cancel"}</Button>
      </div>
    </form>
  );
}
