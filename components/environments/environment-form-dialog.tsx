"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Upload } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import type { RouterOutputs } from "../api-types";
import { holdsEverywhere } from "../auth/viewer";
import { useViewer } from "../auth/viewer-context";
import { errorCode, formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { CheckboxField, TextAreaField, TextField } from "../ui/field";

type Environment = RouterOutputs["environments"]["list"][number];

/** What the connection part of the form holds; keys only ever travel browser → server. */
interface ConnectionDraft {
  url: string;
  useTls: boolean;
  ca: string;
  cert: string;
  key: string;
  sshKey: string;
  sshPassphrase: string;
}

const emptyConnection: ConnectionDraft = {
  url: "",
  useTls: false,
  ca: "",
  cert: "",
  key: "",
  sshKey: "",
  sshPassphrase: "",
};

export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(",")) {
    const tag = part.trim();
    if (tag) seen.add(tag);
  }
  return [...seen];
}

/** `hostKey`: an ssh:// host's key the administrator has seen and trusts (pinned on save). */
function connectionInput(draft: ConnectionDraft, hostKey?: string) {
  const url = draft.url.trim();
  const ssh = url.startsWith("ssh://");
  return {
    url,
    tls: url.startsWith("tcp://") && draft.useTls ? { ca: draft.ca, cert: draft.cert, key: draft.key } : undefined,
    ssh:
      ssh && (draft.sshKey || draft.sshPassphrase || hostKey)
        ? { privateKey: draft.sshKey || undefined, passphrase: draft.sshPassphrase || undefined, hostKey }
        : undefined,
  };
}

type HostKey = NonNullable<RouterOutputs["environments"]["test"]["hostKey"]>;

/** The ssh:// host's key, shown before it is trusted (as ssh asks on a first connection). */
function HostKeyCheck({ hostKey }: { hostKey: HostKey }) {
  return (
    <div
      role="group"
      aria-label="Host key"
      className="space-y-1 rounded-md border border-warning-border bg-warning-soft p-3 text-sm"
    >
      <p className="font-medium">This host's SSH key is {hostKey.type}</p>
      <p className="font-mono text-xs break-all" data-testid="host-key-fingerprint">
        {hostKey.fingerprint}
      </p>
      <p className="text-fg">
        Compare it with what the host says (
        <code>ssh-keygen -lf /etc/ssh/ssh_host_{hostKey.type.toLowerCase()}_key.pub</code>). Stevedore pins this key and
        refuses the host if its key ever changes.
      </p>
    </div>
  );
}

/** A PEM pasted, or read from a file the user picks (read in the browser, sent with the form). */
function PemField({
  label,
  value,
  onChange,
  hint,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  placeholder: string;
}) {
  const fileRef = useRef<HTMLInputElement>(null);
  const fileId = useId();
  const [fileError, setFileError] = useState<string | null>(null);
  return (
    <div className="space-y-1">
      <TextAreaField
        label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={3}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        hint={hint}
        error={fileError}
      />
      <input
        ref={fileRef}
        id={fileId}
        type="file"
        className="sr-only"
        aria-label={`${label} file`}
        accept=".pem,.crt,.cer,.key,text/plain"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (!file) return;
          if (file.size > 65_536) {
            setFileError(`${file.name} is larger than 64 KiB: that is not a PEM file.`);
            return;
          }
          const text = await file.text();
          setFileError(text.includes("-----BEGIN") ? null : `${file.name} does not look like a PEM file.`);
          onChange(text.trim());
        }}
      />
      <Button size="sm" onClick={() => fileRef.current?.click()} aria-label={`Load the ${label} from a file`}>
        <Upload aria-hidden className="size-3.5" />
        From a file…
      </Button>
    </div>
  );
}

function ConnectionFields({
  draft,
  onChange,
  urlError,
  editing,
}: {
  draft: ConnectionDraft;
  onChange: (draft: ConnectionDraft) => void;
  urlError?: string;
  editing: boolean;
}) {
  const set = (patch: Partial<ConnectionDraft>) => onChange({ ...draft, ...patch });
  const url = draft.url.trim();
  return (
    <>
      <TextField
        label="Docker URL"
        value={draft.url}
        onChange={(e) => set({ url: e.target.value })}
        autoComplete="off"
        spellCheck={false}
        placeholder="unix:///var/run/docker.sock"
        error={urlError}
        hint="unix:///path/to/docker.sock, tcp://host:port or ssh://user@host"
        required
      />
      {url.startsWith("tcp://") ? (
        <fieldset className="space-y-3 rounded-md border border-border-strong p-3">
          <legend className="px-1 text-sm font-medium text-fg">TLS</legend>
          <CheckboxField
            label="Connect with TLS and a client certificate"
            description="As dockerd --tlsverify expects: the CA that signed the engine's certificate, and your client certificate and key."
            checked={draft.useTls}
            onChange={(e) => set({ useTls: e.target.checked })}
          />
          {draft.useTls ? (
            <>
              <PemField
                label="CA certificate"
                value={draft.ca}
                onChange={(ca) => set({ ca })}
                placeholder="-----BEGIN CERTIFICATE-----"
              />
              <PemField
                label="Client certificate"
                value={draft.cert}
                onChange={(cert) => set({ cert })}
                placeholder="-----BEGIN CERTIFICATE-----"
              />
              <PemField
                label="Client key"
                value={draft.key}
                onChange={(key) => set({ key })}
                placeholder="-----BEGIN PRIVATE KEY-----"
                hint={
                  editing
                    ? "Keys are never shown again. Paste the key again to keep TLS on the new connection."
                    : "Encrypted at rest; never sent back to a browser."
                }
              />
            </>
          ) : null}
        </fieldset>
      ) : null}
      {url.startsWith("ssh://") ? (
        <fieldset className="space-y-3 rounded-md border border-border-strong p-3">
          <legend className="px-1 text-sm font-medium text-fg">SSH</legend>
          <PemField
            label="Private key"
            value={draft.sshKey}
            onChange={(sshKey) => set({ sshKey })}
            placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            hint="Encrypted at rest; never sent back to a browser. Leave empty to use the server's ssh agent."
          />
          <TextField
            label="Key passphrase"
            type="password"
            value={draft.sshPassphrase}
            onChange={(e) => set({ sshPassphrase: e.target.value })}
            autoComplete="off"
          />
        </fieldset>
      ) : null}
    </>
  );
}

/** Adds an environment, or edits one (name, group, tags, and optionally its connection). */
export function EnvironmentFormDialog({
  open,
  onClose,
  environment,
  groups = [],
  initialUrl,
}: {
  open: boolean;
  onClose: () => void;
  /** the one to edit; absent to add a new one */
  environment?: Environment;
  /** groups already in use, offered as suggestions */
  groups?: string[];
  initialUrl?: string;
}) {
  const editing = environment !== undefined;
  // Pointing an environment elsewhere is as strong as adding one (environment.manage everywhere).
  const mayChangeConnection = holdsEverywhere(useViewer(), "environment.manage");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const groupListId = useId();
  const [name, setName] = useState(environment?.name ?? "");
  const [group, setGroup] = useState(environment?.group ?? "");
  const [tags, setTags] = useState(environment?.tags.join(", ") ?? "");
  const [changeConnection, setChangeConnection] = useState(!editing);
  const [draft, setDraft] = useState<ConnectionDraft>({
    ...emptyConnection,
    url: environment?.url ?? initialUrl ?? "",
    useTls: environment ? environment.tls.cert || environment.tls.key : false,
  });

  const done = async () => {
    onClose();
    await queryClient.invalidateQueries({ queryKey: trpc.environments.list.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.environments.localSocket.queryKey() });
  };
  const create = useMutation(trpc.environments.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.environments.update.mutationOptions({ onSuccess: done }));
  // ssh://: the connection is tried first and its host key shown; saving pins the key shown.
  const [hostKey, setHostKey] = useState<HostKey | null>(null);
  const probe = useMutation(
    trpc.environments.test.mutationOptions({ onSuccess: (report) => setHostKey(report.hostKey ?? null) }),
  );
  const lastTried = probe.error ? probe : editing ? update : create;
  const mutation = lastTried;

  const errors = formErrors(mutation.error, ["name", "url", "group", "tags"]);
  // The server tries the connection before saving: unreachable, timed out, or refused by the engine.
  const code = errorCode(mutation.error);
  const connectionFailed =
    code === "BAD_GATEWAY" ||
    code === "GATEWAY_TIMEOUT" ||
    (code === "BAD_REQUEST" && Object.keys(errors.fields).length === 0 && errors.alert !== null);

  const sshConnection = changeConnection && draft.url.trim().startsWith("ssh://");
  const save = (skipTest: boolean) => {
    const organisation = { name: name.trim(), group: group.trim(), tags: parseTags(tags) };
    if (sshConnection && !skipTest && !hostKey) {
      create.reset();
      update.reset();
      probe.mutate(connectionInput(draft));
      return;
    }
    const pinned = sshConnection && !skipTest ? hostKey?.key : undefined;
    if (editing) {
      update.mutate({
        environmentId: environment.id,
        ...organisation,
        connection: changeConnection ? connectionInput(draft, pinned) : undefined,
      });
    } else {
      create.mutate({ ...organisation, ...connectionInput(draft, pinned), skipTest });
    }
  };
  // Another address or key is another host to check.
  const changeDraft = (next: ConnectionDraft) => {
    if (next.url !== draft.url || next.sshKey !== draft.sshKey || next.sshPassphrase !== draft.sshPassphrase) {
      setHostKey(null);
      probe.reset();
    }
    // "Could not connect" was about the connection as it was; once the user changes it the
    // banner is stale (a field error on the name, say, stays until the next try).
    if (connectionFailed) {
      create.reset();
      update.reset();
    }
    setDraft(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save(false);
  };
  const pendingTest = probe.isPending || (mutation.isPending && !(create.isPending && create.variables.skipTest));
  const tagList = parseTags(tags);

  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      title={editing ? `Edit ${environment.name}` : "Add environment"}
      description={
        editing
          ? "A new connection is tried before it is saved."
          : "Stevedore connects to it first, to check the address and the keys."
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.alert ? (
          <Alert title={connectionFailed ? "Could not connect" : undefined}>
            {errors.alert}
            {connectionFailed && !editing ? (
              <p className="mt-1">Check the address and keys, or save it anyway if the host is not up yet.</p>
            ) : null}
          </Alert>
        ) : null}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          placeholder="e.g. staging"
          error={errors.fields.name}
          required
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Group"
            value={group}
            onChange={(e) => setGroup(e.target.value)}
            autoComplete="off"
            list={groupListId}
            placeholder="e.g. eu-west"
            error={errors.fields.group}
            hint="Cards on Home are grouped by it."
          />
          <datalist id={groupListId}>
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
          <TextField
            label="Tags"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            autoComplete="off"
            placeholder="e.g. prod, gpu"
            error={errors.fields.tags}
            hint={
              tagList.length
                ? `${tagList.length} tag${tagList.length > 1 ? "s" : ""}: ${tagList.join(" · ")}`
                : "Separated by commas."
            }
          />
        </div>
        {editing && mayChangeConnection ? (
          <CheckboxField
            label="Change the connection"
            description={`Now: ${environment.url}${environment.tls.key ? " with TLS" : ""}${environment.ssh.key ? " with an ssh key" : ""}.`}
            checked={changeConnection}
            onChange={(e) => setChangeConnection(e.target.checked)}
          />
        ) : null}
        {changeConnection ? (
          <ConnectionFields draft={draft} onChange={changeDraft} urlError={errors.fields.url} editing={editing} />
        ) : null}
        {sshConnection && hostKey ? <HostKeyCheck hostKey={hostKey} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          {connectionFailed && !editing ? (
            <Button onClick={() => save(true)} pending={create.isPending && create.variables.skipTest}>
              Save without testing
            </Button>
          ) : null}
          <Button type="submit" variant="primary" pending={pendingTest}>
            {pendingTest && changeConnection
              ? "Connecting…"
              : sshConnection && hostKey
                ? editing
                  ? "Trust this key and save"
                  : "Trust this key and add"
                : editing
                  ? "Save changes"
                  : "Add environment"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
