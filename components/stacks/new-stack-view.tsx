"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { holdsOn } from "../containers/holds-on";
import { useViewer } from "../auth/viewer-context";
import { PageHeader } from "../page-header";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { SelectField, TextField } from "../ui/field";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { StackDeployForm } from "./stack-deploy-form";
import { stackHref } from "./stacks-view";

const STACK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

const STARTER = `services:
  web:
    image: nginx:alpine
    deploy:
      replicas: 1
`;

/** A new stack: which swarm, its name, then the compose file. */
export function NewStackView() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const router = useRouter();
  const queryClient = useQueryClient();
  const stacks = useQuery(trpc.stacks.list.queryOptions());
  const [chosen, setChosen] = useState<string | null>(null);
  const [name, setName] = useState("");
  if (stacks.isPending) return <Loading label="Loading the swarms…" />;
  if (stacks.isError)
    return <QueryError error={stacks.error} what="the swarms" onRetry={() => void stacks.refetch()} />;
  const swarms = stacks.data.clusters.filter((c) => holdsOn(viewer, "stack.deploy", c.environmentId));
  const environmentId = chosen ?? swarms[0]?.environmentId ?? null;
  const nameProblem =
    name === "" ? null : STACK_NAME.test(name) ? null : "Letters, digits, _ . and -, starting with a letter or digit.";
  const taken = stacks.data.items.some((s) => s.environmentId === environmentId && s.name === name);
  return (
    <>
      <PageHeader
        title="Deploy a stack"
        description="A compose file deployed to a swarm, as docker stack deploy would."
      />
      {swarms.length === 0 ? (
        <Alert tone="info">You may not deploy stacks on any swarm you can see.</Alert>
      ) : (
        <div className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label="Swarm (through its manager)"
              value={environmentId ?? ""}
              onChange={(e) => setChosen(e.target.value)}
            >
              {swarms.map((s) => (
                <option key={s.clusterId} value={s.environmentId}>
                  {s.name}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Stack name"
              value={name}
              onChange={(e) => setName(e.target.value.trim())}
              error={nameProblem ?? (taken ? "A stack of this name runs there: deploying updates it." : undefined)}
              hint="Its services are named <stack>_<service>."
            />
          </div>
          <StackDeployForm
            environmentId={environmentId}
            name={name && !nameProblem ? name : null}
            initialFile={STARTER}
            onDeployed={() => {
              if (!environmentId) return;
              void queryClient.invalidateQueries({ queryKey: trpc.stacks.list.queryKey() });
              router.push(stackHref(environmentId, name));
            }}
          />
        </div>
      )}
    </>
  );
}
