"use client";

// Deploy or edit a stack: the compose file in a YAML editor (typed, pasted or loaded from a
// file), its variables, the files it names (secrets, configs, env files), prune. As it is
// typed, the server previews it: the file's issues on their lines, the CLI's warnings, and what
// the deploy would change, spec field by spec field, beside the file's own diff against the
// deployed version. A refused deploy keeps everything as typed.
import { useMutation, useQuery } from "@tanstack/react-query";
import { FilePlus, Trash2, Upload } from "lucide-react";
import dynamic from "next/dynamic";
import { useEffect, useMemo, useState, type ChangeEvent } from "react";
import type { RouterOutputs } from "../api-types";
import { errorCode, errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { CheckboxField, TextAreaField } from "../ui/field";
import { IconButton } from "../ui/icon-button";
import { Loading } from "../ui/loading";
import { editorIssues, fileDiff, parseVariables, shortValue, sizeProblem, tooLargeMessage } from "./stack-form-model";

const ComposeEditor = dynamic(() => import("./compose-editor"), {
  ssr: false,
  loading: () => <Loading label="Loading the editor…" />,
});

type Preview = RouterOutputs["stacks"]["preview"];
type Deployed = RouterOutputs["stacks"]["deploy"];

export interface StackFileInput {
  path: string;
  data: string;
}

const PREVIEW_DELAY_MS = 500;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function StackDeployForm({
  environmentId,
  name,
  initialFile,
  deployedFile,
  onDeployed,
  submitLabel = "Deploy",
}: {
  /** the manager environment; null until chosen */
  environmentId: string | null;
  /** the stack's name; null until valid */
  name: string | null;
  initialFile: string;
  /** the file of the latest version, to show what the edit changes */
  deployedFile?: string | undefined;
  onDeployed: (answer: Deployed) => void;
  submitLabel?: string;
}) {
  const trpc = useTRPC();
  const [composeFile, setComposeFile] = useState(initialFile);
  const [variablesText, setVariablesText] = useState("");
  const [files, setFiles] = useState<StackFileInput[]>([]);
  const [prune, setPrune] = useState(false);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const { variables, problems } = useMemo(() => parseVariables(variablesText), [variablesText]);

  const wanted = useMemo(
    () =>
      environmentId && name && composeFile.trim()
        ? { environmentId, name, composeFile, environment: variables, files, prune }
        : null,
    [environmentId, name, composeFile, variables, files, prune],
  );
  // Over the API's limits: said here, and nothing is sent (the transport would refuse it unread).
  const tooLarge = useMemo(() => (wanted ? sizeProblem(wanted) : null), [wanted]);
  const input = tooLarge ? null : wanted;
  const previewInput = useDebounced(input, PREVIEW_DELAY_MS);
  const preview = useQuery({
    ...trpc.stacks.preview.queryOptions(previewInput ?? { environmentId: "", name: "x", composeFile: "x" }),
    enabled: previewInput !== null,
    placeholderData: (previous) => previous,
    retry: false,
  });
  const deploy = useMutation(trpc.stacks.deploy.mutationOptions({ onSuccess: onDeployed }));

  const result: Preview | undefined = preview.data;
  const marks = useMemo(
    () => (result ? editorIssues(result.ok ? [] : result.issues, result.ok ? result.warnings : []) : []),
    [result],
  );
  const stale = input !== previewInput || preview.isFetching;
  const blocked = !input || problems.length > 0 || (result !== undefined && !result.ok && !stale);

  async function loadComposeFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > 512 * 1024) return setLoadProblem(`${file.name} is over 512 KiB.`);
    setLoadProblem(null);
    setComposeFile(await file.text());
  }

  async function addFiles(event: ChangeEvent<HTMLInputElement>) {
    const chosen = [...(event.target.files ?? [])];
    event.target.value = "";
    const added: StackFileInput[] = [];
    for (const file of chosen) {
      if (file.size > 512 * 1024) {
        setLoadProblem(`${file.name} is over 512 KiB.`);
        continue;
      }
      added.push({ path: file.name, data: await file.text() });
    }
    setFiles((current) => [...current.filter((f) => !added.some((a) => a.path === f.path)), ...added]);
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <label className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-border-strong bg-surface px-3 py-1.5 text-sm font-medium hover:bg-hover">
          <Upload aria-hidden className="size-4" />
          Load a compose file
          <input
            type="file"
            accept=".yml,.yaml,text/yaml"
            className="sr-only"
            onChange={(e) => void loadComposeFile(e)}
          />
        </label>
        <label className="inline-flex cursor-pointer items-center gap-2 rounded-md border border-border-strong bg-surface px-3 py-1.5 text-sm font-medium hover:bg-hover">
          <FilePlus aria-hidden className="size-4" />
          Add files it names (secrets, configs, env files)
          <input type="file" multiple className="sr-only" onChange={(e) => void addFiles(e)} />
        </label>
      </div>
      {loadProblem ? <Alert>{loadProblem}</Alert> : null}
      {tooLarge ? <Alert title="Too large to deploy">{tooLarge}</Alert> : null}

      <ComposeEditor value={composeFile} onChange={setComposeFile} issues={marks} label="Compose file" />

      {result && !result.ok ? (
        <Alert title="The compose file cannot be deployed as written">
          <ul className="list-disc space-y-0.5 pl-4" aria-label="Problems in the compose file">
            {result.issues.map((issue, i) => (
              <li key={i} className="whitespace-pre-wrap">
                {issue.position ? <strong>line {issue.position.line}: </strong> : null}
                {issue.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {result?.ok && result.warnings.length > 0 ? (
        <Alert tone="warning" title="Warnings">
          <ul className="list-disc space-y-0.5 pl-4">
            {result.warnings.map((warning, i) => (
              <li key={i}>
                {warning.position ? <strong>line {warning.position.line}: </strong> : null}
                {warning.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      {files.length > 0 ? (
        <div className="space-y-1">
          <p className="text-sm font-medium">Files given with the compose file</p>
          <ul className="space-y-1">
            {files.map((file) => (
              <li key={file.path} className="flex items-center gap-2 text-sm">
                <span className="font-mono text-xs">{file.path}</span>
                <span className="text-subtle">{file.data.length} characters</span>
                <IconButton
                  icon={Trash2}
                  tone="danger"
                  label={`Remove ${file.path}`}
                  onClick={() => setFiles((current) => current.filter((f) => f.path !== file.path))}
                />
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <TextAreaField
        label="Variables for ${VAR} in the file"
        hint="NAME=value, one per line. Kept with the version, sealed; values of secret-looking names are never shown again."
        rows={3}
        value={variablesText}
        onChange={(e) => setVariablesText(e.target.value)}
        error={problems.join("; ") || undefined}
      />
      <CheckboxField
        label="Prune"
        description="Remove services of the stack that the file no longer has."
        checked={prune}
        onChange={(e) => setPrune(e.target.checked)}
      />

      {result?.ok ? <ChangesPreview preview={result} /> : null}
      {deployedFile !== undefined && deployedFile !== composeFile ? (
        <FileDiff before={deployedFile} after={composeFile} />
      ) : null}
      {preview.isError ? (
        <Alert>{tooLargeMessage(errorCode(preview.error)) ?? errorMessage(preview.error)}</Alert>
      ) : null}
      {deploy.isError ? (
        <Alert title="Not deployed">
          <p className="whitespace-pre-wrap">
            {tooLargeMessage(errorCode(deploy.error)) ?? errorMessage(deploy.error)}
          </p>
        </Alert>
      ) : null}

      <div className="flex items-center gap-3">
        <Button
          variant="primary"
          pending={deploy.isPending}
          disabled={blocked}
          onClick={() => input && deploy.mutate(input)}
        >
          {submitLabel}
        </Button>
        {stale && input ? <span className="text-sm text-subtle">Checking the file…</span> : null}
      </div>
    </div>
  );
}

const CHANGE_TONE = {
  create: "green",
  update: "amber",
  remove: "red",
  unchanged: "neutral",
  left: "neutral",
  unchecked: "amber",
} as const;
const CHANGE_LABEL: Record<string, string> = {
  left: "left running (not in the file; prune removes it)",
  unchecked: "exists; its data is not compared without config.data.read (the deploy refuses it)",
};

function ChangesPreview({ preview }: { preview: Extract<Preview, { ok: true }> }) {
  const { services, objects } = preview.diff;
  return (
    <section aria-label="What the deploy changes" className="space-y-2 rounded-md border border-border p-3 text-sm">
      <h3 className="font-medium">{preview.exists ? "What the deploy changes" : "What the deploy creates"}</h3>
      {preview.note ? <p className="text-subtle">{preview.note}</p> : null}
      <ul className="space-y-1.5">
        {services.map((service) => (
          <li key={service.name}>
            <span className="font-mono">{service.name}</span>{" "}
            <Badge tone={CHANGE_TONE[service.change]}>{CHANGE_LABEL[service.change] ?? service.change}</Badge>
            {service.fields.length > 0 ? (
              <ul className="mt-1 ml-4 space-y-0.5 font-mono text-xs">
                {service.fields.map((field) => (
                  <li key={field.path}>
                    {field.path}: <span className="text-danger-fg">{shortValue(field.before)}</span> →{" "}
                    <span className="text-success-fg">{shortValue(field.after)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
        {objects
          .filter((o) => o.change !== "unchanged")
          .map((object) => (
            <li key={`${object.kind}/${object.name}`}>
              {object.kind} <span className="font-mono">{object.name}</span>{" "}
              <Badge tone={CHANGE_TONE[object.change]}>{CHANGE_LABEL[object.change] ?? object.change}</Badge>
            </li>
          ))}
      </ul>
    </section>
  );
}

export function FileDiff({
  before,
  after,
  title = "Changes to the file since the deployed version",
}: {
  before: string;
  after: string;
  title?: string;
}) {
  const lines = useMemo(() => fileDiff(before, after), [before, after]);
  return (
    <section aria-label={title} className="rounded-md border border-border text-xs">
      <h3 className="border-b border-border px-3 py-2 text-sm font-medium">{title}</h3>
      <pre className="max-h-80 overflow-auto p-2 font-mono">
        {lines.map((line, i) => (
          <div
            key={i}
            className={
              line.kind === "added"
                ? "bg-success-soft text-success-strong"
                : line.kind === "removed"
                  ? "bg-danger-soft text-danger-strong"
                  : "text-muted"
            }
          >
            {line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  "}
            {line.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
