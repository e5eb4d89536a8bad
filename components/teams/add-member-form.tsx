"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CheckboxField, SelectField } from "../ui/field";
import type { TeamRow } from "./types";

export function AddMemberForm({ team }: { team: TeamRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const [userId, setUserId] = useState("");
  const [leader, setLeader] = useState(false);
  const add = useMutation(
    trpc.teams.addMember.mutationOptions({
      onSuccess: async () => {
        setUserId("");
        setLeader(false);
        await queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
    }),
  );
  const memberIds = new Set(team.members.map((m) => m.id));
  const candidates = (users.data ?? []).filter((u) => !memberIds.has(u.id));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (userId) add.mutate({ teamId: team.id, userId, leader });
  };
  return (
    <form onSubmit={submit} aria-label={`Add a member to ${team.name}`} className="space-y-2" noValidate>
      {add.error ? <Alert>{errorMessage(add.error)}</Alert> : null}
      {users.isError ? <Alert>Could not load the users: {errorMessage(users.error)}</Alert> : null}
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-48 flex-1">
          <SelectField
            label="Add member"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            disabled={users.isPending || candidates.length === 0}
          >
            <option value="">
              {users.isPending ? "Loading users…" : candidates.length ? "Choose a user…" : "Everyone is a member"}
            </option>
            {candidates.map((user) => (
              <option key={user.id} value={user.id}>
                {user.displayName ? `${user.displayName} (@${user.username})` : `@${user.username}`}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="pb-1.5">
          <CheckboxField label="Leader" checked={leader} onChange={(e) => setLeader(e.target.checked)} />
        </div>
        <Button type="submit" disabled={!userId} pending={add.isPending}>
          Add
        </Button>
      </div>
    </form>
  );
}
