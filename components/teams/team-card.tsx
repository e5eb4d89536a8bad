"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { IconButton } from "../ui/icon-button";
import { Panel } from "../ui/panel";
import { AddMemberForm } from "./add-member-form";
import { TeamBindings } from "./team-bindings";
import { TeamMembers } from "./team-members";
import type { TeamRow } from "./types";

export function TeamCard({ team }: { team: TeamRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.teams.remove.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  return (
    <Panel
      id={`team-${team.id}`}
      title={team.name}
      description={team.description ?? undefined}
      actions={
        <IconButton
          icon={Trash2}
          tone="danger"
          label={`Delete team ${team.name}`}
          onClick={() => {
            remove.reset();
            setConfirming(true);
          }}
        />
      }
    >
      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <div className="space-y-4">
          <TeamMembers team={team} />
          <AddMemberForm team={team} />
        </div>
        <TeamBindings team={team} />
      </div>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Delete team ${team.name}?`}
        confirmLabel="Delete team"
        onConfirm={() => remove.mutate({ id: team.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        Its members lose what the team&apos;s roles gave them; their accounts stay. This cannot be undone.
      </ConfirmDialog>
    </Panel>
  );
}
