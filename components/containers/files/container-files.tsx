"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowUp, Download, File, FileSymlink, Folder, FolderOpen, Upload } from "lucide-react";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useRef, useState } from "react";
import { CONTAINER_FILES_PREFIX, MAX_UPLOAD_BYTES } from "@/server/transport/http/container-files-limits";
import { useViewer } from "../../auth/viewer-context";
import { EmptyState } from "../../empty-state";
import { errorCode } from "../../trpc-errors";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button } from "../../ui/button";
import { formatDateTime } from "../../ui/format";
import { Loading } from "../../ui/loading";
import { NoPermission } from "../../ui/no-permission";
import { QueryError } from "../../ui/query-error";
import { Table, Th } from "../../ui/table";
import { Cell } from "../details/cells";
import { formatBytes, modeString } from "../details/format";
import { holdsOn } from "../holds-on";

const join = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);
const parentOf = (dir: string) => dir.replace(/\/[^/]+$/, "") || "/";

function Breadcrumbs({ path, hrefFor }: { path: string; hrefFor: (p: string) => string }) {
  const parts = path.split("/").filter(Boolean);
  return (
    <nav aria-label="Folder path" className="min-w-0">
      <ol className="flex flex-wrap items-center gap-1 font-mono text-sm">
        <li>
          <Link href={hrefFor("/")} className="rounded px-1 text-primary-fg hover:underline">
            /
          </Link>
        </li>
        {parts.map((part, i) => {
          const to = `/${parts.slice(0, i + 1).join("/")}`;
          const last = i === parts.length - 1;
          return (
            <li key={to} className="flex items-center gap-1">
              {i > 0 ? <span className="text-faint">/</span> : null}
              {last ? (
                <span aria-current="page" className="px-1 font-semibold">
                  {part}
                </span>
              ) : (
                <Link href={hrefFor(to)} className="rounded px-1 text-primary-fg hover:underline">
                  {part}
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function putFile(
  url: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
  // XMLHttpRequest, not fetch: it reports upload progress. The browser sends Origin on a PUT.
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { path?: string; error?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201) resolve({ ok: true, path: body.path ?? file.name });
      else resolve({ ok: false, message: body.error ?? `The upload failed (HTTP ${xhr.status}).` });
    };
    xhr.onerror = () => resolve({ ok: false, message: "The upload failed: the connection broke." });
    xhr.send(file);
  });
}

function UploadForm({
  environmentId,
  containerId,
  folder,
  onDone,
}: {
  environmentId: string;
  containerId: string;
  folder: string;
  onDone: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const tooBig = file !== null && file.size > MAX_UPLOAD_BYTES;

  const upload = async () => {
    if (!file || tooBig) return;
    setResult(null);
    setProgress(0);
    const query = new URLSearchParams({ environmentId, containerId, path: folder, name: file.name });
    const outcome = await putFile(`${CONTAINER_FILES_PREFIX}?${query.toString()}`, file, setProgress);
    setProgress(null);
    if (outcome.ok) {
      setResult({ tone: "success", text: `Uploaded ${outcome.path}.` });
      setFile(null);
      if (input.current) input.current.value = "";
      onDone();
    } else setResult({ tone: "error", text: outcome.message });
  };

  return (
    <form
      className="space-y-2 rounded-lg border border-border bg-surface p-4"
      onSubmit={(e) => {
        e.preventDefault();
        void upload();
      }}
    >
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor="upload-file" className="text-sm font-medium">
          Upload a file into <code className="font-mono text-xs">{folder}</code>
        </label>
        <input
          id="upload-file"
          ref={input}
          type="file"
          onChange={(e) => {
            setResult(null);
            setFile(e.target.files?.[0] ?? null);
          }}
          aria-describedby="upload-hint"
          className="text-sm file:mr-3 file:rounded-md file:border file:border-border-strong file:bg-surface file:px-3 file:py-1 file:text-sm file:font-medium file:text-fg"
        />
        <Button type="submit" size="sm" variant="primary" disabled={!file || tooBig} pending={progress !== null}>
          <Upload aria-hidden className="size-3.5" />
          {progress !== null ? `Uploading… ${Math.round(progress * 100)} %` : "Upload"}
        </Button>
      </div>
      <p id="upload-hint" className="text-xs text-subtle">
        At most {formatBytes(MAX_UPLOAD_BYTES)}. A file of the same name is replaced. The upload is recorded in the
        audit trail.
      </p>
      {tooBig ? (
        <Alert>
          {file.name} is {formatBytes(file.size)}; uploads are limited to {formatBytes(MAX_UPLOAD_BYTES)}.
        </Alert>
      ) : null}
      {result ? <Alert tone={result.tone}>{result.text}</Alert> : null}
    </form>
  );
}

const typeIcons = { directory: Folder, symlink: FileSymlink, file: File, hardlink: File, other: File } as const;

/** Browse a container's filesystem (no shell needed), download files and folders, upload files. */
export function ContainerFiles({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const pathname = usePathname();
  const params = useSearchParams();
  const path = params.get("path") || "/";
  const mayRead = holdsOn(viewer, "container.files.read", environmentId);
  const mayWrite = holdsOn(viewer, "container.files.write", environmentId);
  const listing = useQuery({
    ...trpc.containers.files.queryOptions({ environmentId, id: containerId, path }),
    enabled: mayRead,
    retry: false,
  });
  const hrefFor = (p: string) => `${pathname}?${new URLSearchParams({ path: p }).toString()}`;
  const downloadHref = (p: string) =>
    `${CONTAINER_FILES_PREFIX}?${new URLSearchParams({ environmentId, containerId, path: p }).toString()}`;

  if (!mayRead) {
    return (
      <NoPermission permission="container.files.read">
        Browsing a container&apos;s files needs the container.files.read permission on this environment.
      </NoPermission>
    );
  }

  const current = listing.data?.path ?? path;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Breadcrumbs path={current} hrefFor={hrefFor} />
        <div className="flex gap-2">
          <Button size="sm" onClick={() => void listing.refetch()} pending={listing.isFetching}>
            Refresh
          </Button>
          <a
            href={downloadHref(current)}
            download
            className="inline-flex items-center gap-1.5 rounded-md border border-border-strong bg-surface px-2 py-1 text-xs font-medium text-fg hover:bg-hover"
          >
            <Download aria-hidden className="size-3.5" />
            Download folder (tar)
          </a>
        </div>
      </div>

      {mayWrite ? (
        <UploadForm
          environmentId={environmentId}
          containerId={containerId}
          folder={current}
          onDone={() => void listing.refetch()}
        />
      ) : null}

      {listing.isPending ? (
        <Loading label="Reading the folder…" />
      ) : listing.isError && errorCode(listing.error) === "CONFLICT" ? (
        // A link that led to a file (most of /bin on busybox or Alpine): offer the file itself.
        <Alert tone="info" title={`${current} is a file, not a folder`}>
          <a href={downloadHref(current)} download className="font-medium underline">
            Download it
          </a>{" "}
          or go back to the{" "}
          <Link href={hrefFor(parentOf(current))} className="font-medium underline">
            folder it is in
          </Link>
          .
        </Alert>
      ) : listing.isError ? (
        <QueryError error={listing.error} what="this folder" onRetry={() => void listing.refetch()} />
      ) : (
        <>
          {listing.data.truncated ? (
            <Alert tone="warning" title="Only part of this folder is shown">
              {listing.data.truncated.reason === "entries"
                ? `It has more than ${listing.data.truncated.limit} entries; the first ones read are listed.`
                : listing.data.truncated.reason === "bytes"
                  ? `Stevedore reads a folder from the engine's archive of it, and stopped after ${formatBytes(listing.data.truncated.limit)} (the folder holds large files below it); entries beyond that are missing.`
                  : `Reading the folder took longer than ${listing.data.truncated.limit / 1000} s; entries beyond that are missing.`}{" "}
              Open a subfolder or download the folder to see everything.
            </Alert>
          ) : null}
          {listing.data.entries.length === 0 && current === "/" ? (
            <EmptyState icon={FolderOpen} title="Empty">
              The container&apos;s filesystem is empty.
            </EmptyState>
          ) : (
            <Table label={`Files in ${current}`}>
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th className="text-right">Size</Th>
                  <Th>Mode</Th>
                  <Th>Modified</Th>
                  <Th>
                    <span className="sr-only">Download</span>
                  </Th>
                </tr>
              </thead>
              <tbody>
                {current !== "/" ? (
                  <tr>
                    <Cell colSpan={5}>
                      <Link
                        href={hrefFor(parentOf(current))}
                        className="inline-flex items-center gap-2 text-sm text-primary-fg hover:underline"
                      >
                        <ArrowUp aria-hidden className="size-4" />
                        Parent folder
                      </Link>
                    </Cell>
                  </tr>
                ) : null}
                {listing.data.entries.length === 0 ? (
                  <tr>
                    <Cell colSpan={5} className="text-sm text-subtle">
                      This folder is empty.
                    </Cell>
                  </tr>
                ) : null}
                {listing.data.entries.map((entry) => {
                  const Icon = typeIcons[entry.type];
                  const full = join(current, entry.name);
                  const browsable = entry.type === "directory" || entry.type === "symlink";
                  return (
                    <tr key={entry.name} className="hover:bg-row-hover">
                      <Cell>
                        <span className="flex min-w-0 items-center gap-2">
                          <Icon
                            aria-hidden
                            className={`size-4 shrink-0 ${entry.type === "directory" ? "text-primary-fg" : "text-faint"}`}
                          />
                          {browsable ? (
                            <Link href={hrefFor(full)} className="truncate font-medium text-primary-fg hover:underline">
                              {entry.name}
                            </Link>
                          ) : (
                            <span className="truncate">{entry.name}</span>
                          )}
                          {entry.type === "symlink" ? (
                            <span className="truncate font-mono text-xs text-subtle">→ {entry.linkTarget}</span>
                          ) : null}
                          {entry.type === "hardlink" ? (
                            <span className="truncate font-mono text-xs text-subtle">= /{entry.linkTarget}</span>
                          ) : null}
                        </span>
                      </Cell>
                      <Cell className="text-right whitespace-nowrap tabular-nums">
                        {entry.type === "file" ? formatBytes(entry.size) : "—"}
                      </Cell>
                      <Cell className="font-mono text-xs whitespace-nowrap">{modeString(entry.type, entry.mode)}</Cell>
                      <Cell className="whitespace-nowrap text-muted">
                        {entry.mtime.startsWith("1970-01-01") ? "—" : formatDateTime(entry.mtime)}
                      </Cell>
                      <Cell className="text-right">
                        {entry.type === "file" || entry.type === "directory" || entry.type === "symlink" ? (
                          <a
                            href={downloadHref(full)}
                            download
                            aria-label={`Download ${entry.name}`}
                            title={entry.type === "directory" ? "Download as tar" : "Download"}
                            className="inline-grid size-8 place-items-center rounded-md text-subtle hover:bg-hover hover:text-fg"
                          >
                            <Download aria-hidden className="size-4" />
                          </a>
                        ) : null}
                      </Cell>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
          <p className="text-xs text-subtle" role="status">
            {listing.data.entries.length} entr{listing.data.entries.length === 1 ? "y" : "ies"} in {current}. Read
            through the engine&apos;s archive API: no shell is needed in the container.
          </p>
        </>
      )}
    </div>
  );
}
