"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { useState } from "react";
import { holdsOn } from "../containers/holds-on";
import { useViewer } from "../auth/viewer-context";
import { formatSize } from "../resources/list-kit";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { SelectField, TextField } from "../ui/field";
import { formatDateTime } from "../ui/format";
import { Loading } from "../ui/loading";
import { TransferProgress } from "./transfer-progress";
import type { Transfer } from "./use-transfers";

const EXPORT_PATH = "/api/images/export";

export function exportHref(environmentId: string, image: string): string {
  return `${EXPORT_PATH}?${new URLSearchParams({ environmentId, image }).toString()}`;
}

/**
 * One image on one environment: what it is, its layers (size and command of each), what uses
 * it, and what may be done to it: tag, push (with a saved registry's credentials, progress
 * shown), download as a tar.
 */
export function ImageDialog({
  environmentId,
  environmentName,
  image,
  label,
  transfers,
  onClose,
  onDone,
}: {
  environmentId: string;
  environmentName: string;
  /** its id */
  image: string;
  /** how the list named it (the title stays while its tags change) */
  label: string;
  transfers: ReadonlyMap<string, Transfer>;
  onClose: () => void;
  onDone: (result: { text: string; cli: string }) => void;
}) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const detail = useQuery(trpc.images.get.queryOptions({ environmentId, image }));
  const d = detail.data;
  return (
    <Dialog open onClose={onClose} title={`Image ${label}`} description={`on ${environmentName}`} wide>
      <div className="space-y-5 text-sm">
        {detail.isPending ? <Loading label="Loading the image…" /> : null}
        {detail.isError ? <Alert title="Could not load the image">{errorMessage(detail.error)}</Alert> : null}
        {d ? (
          <>
            <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
              <dt className="text-muted">ID</dt>
              <dd className="font-mono text-xs break-all">{d.id}</dd>
              <dt className="text-muted">Tags</dt>
              <dd className="font-mono text-xs break-all" data-testid="image-tags">
                {d.tags.length ? d.tags.join(", ") : "none (dangling)"}
              </dd>
              {d.digests.length ? (
                <>
                  <dt className="text-muted">Digests</dt>
                  <dd className="font-mono text-xs break-all">{d.digests.join(", ")}</dd>
                </>
              ) : null}
              <dt className="text-muted">Size</dt>
              <dd>{formatSize(d.size)}</dd>
              <dt className="text-muted">Created</dt>
              <dd>{formatDateTime(d.created)}</dd>
              <dt className="text-muted">Platform</dt>
              <dd>
                {d.os}/{d.architecture}
              </dd>
              {d.config.entrypoint.length || d.config.cmd.length ? (
                <>
                  <dt className="text-muted">Command</dt>
                  <dd className="font-mono text-xs break-all">{[...d.config.entrypoint, ...d.config.cmd].join(" ")}</dd>
                </>
              ) : null}
              {d.config.exposedPorts.length ? (
                <>
                  <dt className="text-muted">Ports</dt>
                  <dd className="font-mono text-xs">{d.config.exposedPorts.join(", ")}</dd>
                </>
              ) : null}
              {d.config.env.length ? (
                <>
                  <dt className="text-muted">Environment</dt>
                  <dd className="font-mono text-xs break-all">{d.config.env.join(" ")}</dd>
                </>
              ) : null}
            </dl>

            <section aria-labelledby="image-users">
              <h3 id="image-users" className="mb-1 font-medium">
                Used by
              </h3>
              <p data-testid="image-users" className="text-muted">
                {d.users.containers.length || d.users.services.length
                  ? [
                      ...d.users.containers.map((c) => `${c.name} (${c.state})`),
                      ...d.users.services.map((s) => `service ${s.name}`),
                    ].join(", ")
                  : "No container or service uses it."}
              </p>
            </section>

            <section aria-labelledby="image-layers">
              <h3 id="image-layers" className="mb-1 font-medium">
                Layers ({d.history.length})
              </h3>
              <ol className="max-h-56 divide-y divide-border overflow-y-auto rounded border border-border">
                {d.history.map((layer, i) => (
                  <li key={i} className="grid grid-cols-[5rem_1fr] gap-2 px-2 py-1 text-xs">
                    <span className="text-right tabular-nums text-muted">{formatSize(layer.size)}</span>
                    <code className="font-mono break-all" title={layer.createdBy}>
                      {layer.createdBy || layer.comment || "(no command)"}
                    </code>
                  </li>
                ))}
              </ol>
            </section>

            <ImageActions
              environmentId={environmentId}
              environmentName={environmentName}
              image={d.id}
              tags={d.tags}
              transfers={transfers}
              onDone={(result) => {
                void detail.refetch();
                onDone(result);
              }}
              mayTag={holdsOn(viewer, "image.pull", environmentId)}
              mayPush={holdsOn(viewer, "image.push", environmentId)}
              mayExport={holdsOn(viewer, "image.export", environmentId)}
              mayUseRegistries={holdsOn(viewer, "registry.use", environmentId)}
            />
          </>
        ) : null}
      </div>
    </Dialog>
  );
}

function ImageActions({
  environmentId,
  environmentName,
  image,
  tags,
  transfers,
  onDone,
  mayTag,
  mayPush,
  mayExport,
  mayUseRegistries,
}: {
  environmentId: string;
  environmentName: string;
  image: string;
  tags: string[];
  transfers: ReadonlyMap<string, Transfer>;
  onDone: (result: { text: string; cli: string }) => void;
  mayTag: boolean;
  mayPush: boolean;
  mayExport: boolean;
  mayUseRegistries: boolean;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [target, setTarget] = useState("");
  const [pushTag, setPushTag] = useState(tags[0] ?? "");
  const [registryId, setRegistryId] = useState("");
  const [pushId, setPushId] = useState<string | null>(null);
  const registries = useQuery({ ...trpc.registries.usable.queryOptions(), enabled: mayPush && mayUseRegistries });
  const tag = useMutation({
    // By its first name when it has one: the command line reads as a person would type it.
    mutationFn: () => client.images.tag.mutate({ environmentId, image: tags[0] ?? image, target: target.trim() }),
    onSuccess: (result) => {
      setTarget("");
      onDone({ text: `Tagged ${target.trim()} on ${environmentName}.`, cli: result.cli });
    },
  });
  const push = useMutation({
    mutationFn: (operationId: string) =>
      client.images.push.mutate({
        environmentId,
        image: pushTag,
        operationId,
        ...(registryId ? { registryId } : {}),
      }),
    onSuccess: (result) => onDone({ text: `Pushed ${result.transfer.reference}.`, cli: result.cli }),
  });
  const pushing = pushId ? transfers.get(pushId) : undefined;
  if (!mayTag && !mayPush && !mayExport) return null;
  return (
    <section aria-labelledby="image-actions" className="space-y-4 border-t border-border pt-4">
      <h3 id="image-actions" className="sr-only">
        Actions
      </h3>
      {mayTag ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            tag.mutate();
          }}
        >
          <div className="min-w-60 flex-1">
            <TextField
              label="New tag"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              placeholder="registry.example.com/team/app:1.4"
              error={tag.error ? errorMessage(tag.error) : null}
            />
          </div>
          <Button type="submit" pending={tag.isPending} disabled={!target.trim()}>
            Tag
          </Button>
        </form>
      ) : null}
      {mayPush && tags.length ? (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            const id = crypto.randomUUID();
            setPushId(id);
            push.mutate(id);
          }}
        >
          <div className="flex flex-wrap items-end gap-2">
            <div className="min-w-48 flex-1">
              <SelectField label="Tag to push" value={pushTag} onChange={(e) => setPushTag(e.target.value)}>
                {tags.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </SelectField>
            </div>
            {mayUseRegistries ? (
              <div className="min-w-48 flex-1">
                <SelectField label="Push with" value={registryId} onChange={(e) => setRegistryId(e.target.value)}>
                  <option value="">No credentials</option>
                  {(registries.data ?? []).map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name} ({r.host})
                    </option>
                  ))}
                </SelectField>
              </div>
            ) : null}
            <Button type="submit" pending={push.isPending}>
              Push
            </Button>
          </div>
          {pushing ? <TransferProgress transfer={pushing} /> : null}
          {push.error && !pushing?.error ? <Alert>{errorMessage(push.error)}</Alert> : null}
        </form>
      ) : null}
      {mayExport ? (
        <p>
          <a
            href={exportHref(environmentId, tags[0] ?? image)}
            download
            className="inline-flex items-center gap-1.5 font-medium text-primary-fg hover:underline"
          >
            <Download aria-hidden className="size-4" />
            Download as a tar (docker image save)
          </a>
        </p>
      ) : null}
    </section>
  );
}
