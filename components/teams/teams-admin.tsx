"use client";

import { useQuery } from "@tanstack/react-query";
import { Plus, UsersRound } from "lucide-react";
import { useState } from "react";
import { EmptyState } from "../empty-state";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { CreateTeamDialog } from "./create-team-dialog";
import { TeamCard } from "./team-card";

export function TeamsAdmin() {
  const trpc = useTRPC();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="teams-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="teams-heading" className="text-lg font-semibold">
            Teams
          </h2>
          <p className="text-sm text-muted">
            A team&apos;s roles apply to all its members. Leaders are marked for people to know whom to ask.
          </p>
        </div>
        <Button variant="primary" onClick={() => setCreating(true)}>
          <Plus aria-hidden className="size-4" />
          New team
        </Button>
      </div>
      {teams.isPending ? (
        <Loading label="Loading teams…" />
      ) : teams.isError ? (
        <QueryError error={teams.error} what="the teams" onRetry={() => void teams.refetch()} />
      ) : teams.data.length === 0 ? (
        <EmptyState icon={UsersRound} title="No teams yet">
          Group people who do the same work, then give the team a role on the Access tab.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          {teams.data.map((team) => (
            <TeamCard key={team.id} team={team} />
          ))}
        </div>
      )}
      <CreateTeamDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
