"use client";

// The difference between two kept versions of a stack: the compose file line by line, and the
// files and variables each named. Any two versions, the previous and the latest by default.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useTRPC } from "../trpc";
import { SelectField } from "../ui/field";
import { Loading } from "../ui/loading";
import { Panel } from "../ui/panel";
import { QueryError } from "../ui/query-error";
import { FileDiff } from "./stack-deploy-form";

type Versions = RouterOutputs["stacks"]["get"]["versions"];

export function VersionDiffPanel({
  environmentId,
  name,
  versions,
}: {
  environmentId: string;
  name: string;
  /** newest first */
  versions: Versions;
}) {
  const trpc = useTRPC();
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const newest = versions[0]?.version ?? 1;
  const older = versions[1]?.version ?? newest;
  const a = from ?? older;
  const b = to ?? newest;
  const before = useQuery(trpc.stacks.version.queryOptions({ environmentId, name, version: a }));
  const after = useQuery(trpc.stacks.version.queryOptions({ environmentId, name, version: b }));
  if (versions.length < 2) return null;
  const choice = (label: string, value: number, set: (v: number) => void) => (
    <SelectField label={label} value={String(value)} onChange={(e) => set(Number(e.target.value))}>
      {versions.map((v) => (
        <option key={v.version} value={v.version}>
          v{v.version} ({v.source === "adopt" ? "adopted" : v.source}, {v.deployedBy})
        </option>
      ))}
    </SelectField>
  );
  const failed = before.isError ? before : after.isError ? after : null;
  return (
    <Panel title="Compare versions" description="What changed in the compose file between two deploys.">
      <div className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          {choice("From", a, setFrom)}
          {choice("To", b, setTo)}
        </div>
        {failed ? (
          <QueryError error={failed.error} what="the versions" onRetry={() => void failed.refetch()} />
        ) : before.data && after.data ? (
          <>
            {before.data.composeFile === after.data.composeFile ? (
              <p className="text-sm text-muted">
                The compose file of v{a} and v{b} is the same.
              </p>
            ) : (
              <FileDiff
                before={before.data.composeFile}
                after={after.data.composeFile}
                title={`Compose file, v${a} → v${b}`}
              />
            )}
            <NamedChanges
              what="Files"
              before={before.data.files.map((f) => `${f.path} (${f.kind})`)}
              after={after.data.files.map((f) => `${f.path} (${f.kind})`)}
            />
            <NamedChanges
              what="Variables"
              before={before.data.environment.map((v) => v.name)}
              after={after.data.environment.map((v) => v.name)}
            />
          </>
        ) : (
          <Loading label="Loading the versions…" />
        )}
      </div>
    </Panel>
  );
}

function NamedChanges({ what, before, after }: { what: string; before: string[]; after: string[] }) {
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  if (!added.length && !removed.length) return null;
  return (
    <p className="text-sm">
      <span className="font-medium">{what}: </span>
      {added.map((x) => (
        <span key={`+${x}`} className="mr-2 font-mono text-xs text-success-fg">
          + {x}
        </span>
      ))}
      {removed.map((x) => (
        <span key={`-${x}`} className="mr-2 font-mono text-xs text-danger-fg">
          − {x}
        </span>
      ))}
    </p>
  );
}
