"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage, formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { SelectField } from "../ui/field";

type Grantee = "user" | "team";
const ALL = "";

export function AddBindingForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const roles = useQuery(trpc.roles.list.queryOptions());
  const users = useQuery(trpc.users.list.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());
  const environments = useQuery(trpc.environments.list.queryOptions());
  const [roleId, setRoleId] = useState("");
  const [grantee, setGrantee] = useState<Grantee>("team");
  const [userId, setUserId] = useState("");
  const [teamId, setTeamId] = useState("");
  const [environmentId, setEnvironmentId] = useState(ALL);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.bindings.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.bindings.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
      },
    }),
  );
  const errors = formErrors(create.error, ["roleId", "userId", "teamId", "environmentId"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!roleId) problems.roleId = "Choose a role.";
    if (grantee === "user" && !userId) problems.userId = "Choose a user.";
    if (grantee === "team" && !teamId) problems.teamId = "Choose a team.";
    setMissing(problems);
    if (Object.keys(problems).length) return;
    create.mutate({
      roleId,
      ...(grantee === "user" ? { userId } : { teamId }),
      environmentId: environmentId === ALL ? null : environmentId,
    });
  };

  const loadProblem = [roles, users, teams, environments].find((q) => q.isError)?.error;
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Give a role">
      {loadProblem ? <Alert>Some choices could not be loaded: {errorMessage(loadProblem)}</Alert> : null}
      {errors.alert ? <Alert>{errors.alert}</Alert> : null}
      {create.isSuccess ? <Alert tone="success">Role given.</Alert> : null}
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
        <SelectField
          label="Role"
          value={roleId}
          onChange={(e) => setRoleId(e.target.value)}
          error={missing.roleId ?? errors.fields.roleId}
          disabled={roles.isPending}
        >
          <option value="">{roles.isPending ? "Loading…" : "Choose a role…"}</option>
          {roles.data?.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </SelectField>
        <fieldset className="space-y-1">
          <legend className="mb-1 text-sm font-medium text-fg">Give it to</legend>
          <div className="flex gap-4 pt-1.5 text-sm">
            {(["team", "user"] as const).map((kind) => (
              <label key={kind} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name="grantee"
                  value={kind}
                  checked={grantee === kind}
                  onChange={() => setGrantee(kind)}
                  className="accent-primary"
                />
                {kind === "team" ? "A team" : "A user"}
              </label>
            ))}
          </div>
        </fieldset>
        {grantee === "team" ? (
          <SelectField
            label="Team"
            value={teamId}
            onChange={(e) => setTeamId(e.target.value)}
            error={missing.teamId ?? errors.fields.teamId}
            disabled={teams.isPending}
          >
            <option value="">
              {teams.isPending ? "Loading…" : teams.data?.length ? "Choose a team…" : "No teams yet"}
            </option>
            {teams.data?.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </SelectField>
        ) : (
          <SelectField
            label="User"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            error={missing.userId ?? errors.fields.userId}
            disabled={users.isPending}
          >
            <option value="">{users.isPending ? "Loading…" : "Choose a user…"}</option>
            {users.data?.map((user) => (
              <option key={user.id} value={user.id}>
                {user.displayName ? `${user.displayName} (@${user.username})` : `@${user.username}`}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField
          label="Scope"
          value={environmentId}
          onChange={(e) => setEnvironmentId(e.target.value)}
          error={errors.fields.environmentId}
          disabled={environments.isPending}
        >
          <option value={ALL}>All environments</option>
          {environments.data?.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </SelectField>
      </div>
      <Button type="submit" variant="primary" pending={create.isPending}>
        Give role
      </Button>
    </form>
  );
}
