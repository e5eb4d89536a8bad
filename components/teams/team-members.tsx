"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { UserMinus } from "lucide-react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { IconButton } from "../ui/icon-button";
import type { TeamRow } from "./types";

export function TeamMembers({ team }: { team: TeamRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const removeMember = useMutation(
    trpc.teams.removeMember.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-medium text-fg">Members</h3>
      {removeMember.error ? <Alert>{errorMessage(removeMember.error)}</Alert> : null}
      {team.members.length === 0 ? (
        <p className="text-sm text-subtle">No members yet.</p>
      ) : (
        <ul aria-label={`Members of ${team.name}`} className="divide-y divide-border">
          {team.members.map((member) => (
            <li key={member.id} className="flex items-center justify-between gap-3 py-1.5 text-sm">
              <span>
                <span className="font-medium">{member.displayName || member.username}</span>{" "}
                <span className="text-subtle">@{member.username}</span>{" "}
                {member.leader ? <Badge tone="sky">Leader</Badge> : null}
              </span>
              <IconButton
                icon={UserMinus}
                tone="danger"
                label={`Remove ${member.username} from ${team.name}`}
                disabled={removeMember.isPending}
                onClick={() => removeMember.mutate({ teamId: team.id, userId: member.id })}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
