"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Trash2 } from "lucide-react";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useViewer } from "../auth/viewer-context";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { formatDateTime } from "../ui/format";
import { IconButton } from "../ui/icon-button";
import { Badge } from "../ui/badge";
import { ActionsHeader, Table, Td, Th } from "../ui/table";
import { EnvironmentFormDialog } from "./environment-form-dialog";
import { StatusBadge } from "./status-badge";

type Environment = RouterOutputs["environments"]["list"][number];

export function EnvironmentsTable({ environments }: { environments: Environment[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const [removing, setRemoving] = useState<Environment | null>(null);
  const [editing, setEditing] = useState<Environment | null>(null);
  const groups = [...new Set(environments.map((e) => e.group).filter((g): g is string => Boolean(g)))].sort();
  const remove = useMutation(
    trpc.environments.remove.mutationOptions({
      onSuccess: async () => {
        setRemoving(null);
        await queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
      },
    }),
  );
  const mayRemove = (id: string) =>
    viewer.permissions.everywhere.includes("environment.manage") ||
    (viewer.permissions.byEnvironment[id]?.includes("environment.manage") ?? false);
  return (
    <>
      <Table label="Environments">
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Status</Th>
            <Th>Docker URL</Th>
            <Th>Group and tags</Th>
            <Th>Added</Th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {environments.map((env) => (
            <tr key={env.id}>
              <Td className="font-medium">{env.name}</Td>
              <Td>
                <StatusBadge status={env.status} />
              </Td>
              <Td className="font-mono text-xs">
                {env.url}
                {env.tls.key ? <span className="ml-2 font-sans text-slate-500 dark:text-slate-400">TLS</span> : null}
                {env.ssh.key ? (
                  <span className="ml-2 font-sans text-slate-500 dark:text-slate-400">ssh key</span>
                ) : null}
                {env.ssh.hostKey ? (
                  <span
                    className="block text-[11px] text-slate-500 dark:text-slate-400"
                    title="The SSH host key pinned at first use: Stevedore refuses the host if it shows another."
                  >
                    host key {env.ssh.hostKey.type} {env.ssh.hostKey.fingerprint}
                  </span>
                ) : null}
              </Td>
              <Td>
                <div className="flex flex-wrap items-center gap-1">
                  {env.group ? <span className="mr-1 text-sm">{env.group}</span> : null}
                  {env.tags.map((tag) => (
                    <Badge key={tag}>{tag}</Badge>
                  ))}
                  {!env.group && env.tags.length === 0 ? (
                    <span className="text-slate-400 dark:text-slate-500">—</span>
                  ) : null}
                </div>
              </Td>
              <Td>{formatDateTime(env.createdAt)}</Td>
              <Td>
                <div className="flex justify-end gap-1">
                  {mayRemove(env.id) ? (
                    <IconButton icon={Pencil} label={`Edit ${env.name}`} onClick={() => setEditing(env)} />
                  ) : null}
                  {mayRemove(env.id) ? (
                    <IconButton
                      icon={Trash2}
                      tone="danger"
                      label={`Remove ${env.name}`}
                      onClick={() => {
                        remove.reset();
                        setRemoving(env);
                      }}
                    />
                  ) : null}
                </div>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {editing ? (
        <EnvironmentFormDialog
          key={editing.id}
          open
          onClose={() => setEditing(null)}
          environment={editing}
          groups={groups}
        />
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={`Remove ${removing?.name ?? "environment"}?`}
        confirmLabel="Remove environment"
        onConfirm={() => removing && remove.mutate({ environmentId: removing.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        Stevedore forgets this endpoint and every role binding on it. The Docker host itself is not touched.
      </ConfirmDialog>
    </>
  );
}
