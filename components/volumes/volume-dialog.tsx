"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { File, Folder, FolderUp, Link2 } from "lucide-react";
import { useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { holdsOn } from "../containers/holds-on";
import { formatSize } from "../resources/list-kit";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Loading } from "../ui/loading";

const FILES_PATH = "/api/volumes/files";

function filesHref(environmentId: string, volume: string, path: string): string {
  return `${FILES_PATH}?${new URLSearchParams({ environmentId, volume, path }).toString()}`;
}

const join = (folder: string, name: string) => (folder === "/" ? `/${name}` : `${folder}/${name}`);
const parentOf = (path: string) => (path.lastIndexOf("/") <= 0 ? "/" : path.slice(0, path.lastIndexOf("/")));

/** A volume: what the engine says of it, who uses it, and its files (read through a helper container). */
export function VolumeDialog({
  environmentId,
  environmentName,
  name,
  onClose,
}: {
  environmentId: string;
  environmentName: string;
  name: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const detail = useQuery(trpc.volumes.get.queryOptions({ environmentId, name }));
  const mayRead = holdsOn(viewer, "volume.files.read", environmentId);
  return (
    <Dialog open onClose={onClose} title={`Volume ${name}`} description={`on ${environmentName}`} wide>
      <div className="space-y-4 text-sm">
        {detail.isPending ? <Loading label="Loading the volume…" /> : null}
        {detail.isError ? <Alert title="Could not load the volume">{errorMessage(detail.error)}</Alert> : null}
        {detail.data ? (
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
            <dt className="text-muted">Driver</dt>
            <dd className="font-mono text-xs">{detail.data.driver}</dd>
            <dt className="text-muted">Scope</dt>
            <dd>{detail.data.scope}</dd>
            <dt className="text-muted">Mount point</dt>
            <dd className="font-mono text-xs break-all">{detail.data.mountpoint}</dd>
            {Object.keys(detail.data.options).length ? (
              <>
                <dt className="text-muted">Options</dt>
                <dd className="font-mono text-xs break-all">
                  {Object.entries(detail.data.options)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(", ")}
                </dd>
              </>
            ) : null}
            {Object.keys(detail.data.labels).length ? (
              <>
                <dt className="text-muted">Labels</dt>
                <dd className="font-mono text-xs break-all">
                  {Object.entries(detail.data.labels)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(", ")}
                </dd>
              </>
            ) : null}
            <dt className="text-muted">Used by</dt>
            <dd data-testid="volume-users">
              {detail.data.users.length
                ? detail.data.users.map((u) => `${u.name} (${u.state})`).join(", ")
                : "No container"}
            </dd>
          </dl>
        ) : null}
        {mayRead && detail.data ? <FileBrowser environmentId={environmentId} name={name} /> : null}
      </div>
    </Dialog>
  );
}

function FileBrowser({ environmentId, name }: { environmentId: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const [path, setPath] = useState("/");
  const folder = useQuery(trpc.volumes.files.queryOptions({ environmentId, name, path }));
  const mayWrite = holdsOn(viewer, "volume.files.write", environmentId);
  const [upload, setUpload] = useState<{ state: "sending" | "done" | "failed"; message: string } | null>(null);

  const send = async (file: globalThis.File) => {
    setUpload({ state: "sending", message: `Uploading ${file.name}…` });
    try {
      const response = await fetch(
        `${FILES_PATH}?${new URLSearchParams({ environmentId, volume: name, path, name: file.name }).toString()}`,
        { method: "PUT", body: file, headers: { "content-type": "application/octet-stream" } },
      );
      const body = (await response.json().catch(() => ({}))) as { path?: string; error?: string; message?: string };
      if (!response.ok) throw new Error(body.message ?? body.error ?? `The upload failed (${response.status}).`);
      setUpload({ state: "done", message: `Uploaded ${body.path ?? file.name}.` });
      await queryClient.invalidateQueries({ queryKey: trpc.volumes.files.queryKey({ environmentId, name, path }) });
    } catch (error) {
      setUpload({ state: "failed", message: (error as Error).message });
    }
  };

  return (
    <section aria-label="Files" className="space-y-2 border-t border-border pt-3">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-medium">Files</h3>
        <code className="rounded bg-surface-muted px-1.5 py-0.5 font-mono text-xs" data-testid="volume-path">
          {path}
        </code>
        {path !== "/" ? (
          <Button size="sm" variant="quiet" onClick={() => setPath(parentOf(path))}>
            <FolderUp aria-hidden className="size-4" />
            Up
          </Button>
        ) : null}
        <a className="ml-auto text-xs font-medium underline" href={filesHref(environmentId, name, path)} download>
          Download this folder (tar)
        </a>
        {mayWrite ? (
          <label className="cursor-pointer text-xs font-medium underline">
            Upload a file
            <input
              type="file"
              className="sr-only"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = "";
                if (file) void send(file);
              }}
            />
          </label>
        ) : null}
      </div>
      {upload ? (
        <Alert tone={upload.state === "failed" ? "error" : upload.state === "done" ? "success" : "info"}>
          {upload.message}
        </Alert>
      ) : null}
      {folder.isPending ? <Loading label="Reading the folder…" /> : null}
      {folder.isError ? <Alert title="Could not read the folder">{errorMessage(folder.error)}</Alert> : null}
      {folder.data ? (
        folder.data.entries.length === 0 ? (
          <p className="text-muted">This folder is empty.</p>
        ) : (
          <ul className="max-h-72 divide-y divide-border/60 overflow-y-auto rounded border border-border">
            {folder.data.entries.map((entry) => (
              <li key={entry.name} className="flex items-center gap-2 px-2 py-1.5">
                {entry.type === "directory" ? (
                  <Folder aria-hidden className="size-4 text-subtle" />
                ) : entry.type === "symlink" ? (
                  <Link2 aria-hidden className="size-4 text-subtle" />
                ) : (
                  <File aria-hidden className="size-4 text-subtle" />
                )}
                {entry.type === "directory" ? (
                  <button
                    type="button"
                    className="font-medium hover:underline"
                    onClick={() => setPath(join(path, entry.name))}
                  >
                    {entry.name}/
                  </button>
                ) : (
                  <span className="font-mono text-xs">{entry.name}</span>
                )}
                <span className="ml-auto text-xs text-muted">
                  {entry.type === "file" ? formatSize(entry.size) : ""}
                </span>
                {entry.type !== "symlink" ? (
                  <a
                    className="text-xs font-medium underline"
                    href={filesHref(environmentId, name, join(path, entry.name))}
                    download
                    aria-label={`Download ${entry.name}`}
                  >
                    Download
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        )
      ) : null}
      {folder.data?.truncated ? (
        <p className="text-xs text-muted">Only the first {folder.data.truncated.limit} entries are shown.</p>
      ) : null}
    </section>
  );
}
