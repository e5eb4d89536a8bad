"use client";

import { useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { TextField } from "../ui/field";
import type { SessionTarget } from "./console-session";

/** What a new console tab runs: a command (with user and working dir), or attach to PID 1. */
export function NewConsoleForm({
  mayExec,
  mayAttach,
  initial,
  submitLabel = "Open",
  autoFocus = true,
  onOpen,
  onCancel,
}: {
  mayExec: boolean;
  mayAttach: boolean;
  /** the choice to start from (the last one made, say) */
  initial?: SessionTarget | null;
  submitLabel?: string;
  autoFocus?: boolean;
  onOpen: (target: SessionTarget) => void;
  /** absent where there is nothing to go back to */
  onCancel?: () => void;
}) {
  const [kind, setKind] = useState<"exec" | "attach">(() =>
    initial?.kind === "attach" ? (mayAttach ? "attach" : "exec") : mayExec ? "exec" : "attach",
  );
  const start = initial?.kind === "exec" ? initial : null;
  const [command, setCommand] = useState(start && start.command !== "auto" ? start.command : "");
  const [user, setUser] = useState(start?.user ?? "");
  const [workdir, setWorkdir] = useState(start?.workdir ?? "");
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (kind === "attach") return onOpen({ kind: "attach" });
    if (workdir.trim() && !workdir.trim().startsWith("/"))
      return setProblem("The working directory must be an absolute path (starting with /).");
    onOpen({ kind: "exec", command: command.trim() || "auto", user: user.trim(), workdir: workdir.trim() });
  };

  const choice = (value: "exec" | "attach", label: string, hint: string, allowed: boolean) => (
    <label
      className={`flex flex-1 cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-sm ${
        kind === value ? "border-primary-fg bg-primary-soft" : "border-border-strong"
      } ${allowed ? "" : "cursor-not-allowed opacity-60"}`}
    >
      <input
        type="radio"
        name="console-kind"
        value={value}
        checked={kind === value}
        disabled={!allowed}
        onChange={() => setKind(value)}
        className="mt-0.5 accent-primary"
      />
      <span>
        <span className="block font-medium">{label}</span>
        <span className="block text-xs text-muted">{hint}</span>
      </span>
    </label>
  );

  return (
    <form
      aria-label="New console"
      onSubmit={submit}
      onKeyDown={(e) => e.key === "Escape" && onCancel?.()}
      className="mb-3 space-y-3 rounded-lg border border-border bg-surface p-3"
    >
      <fieldset className="flex flex-wrap gap-2">
        <legend className="sr-only">What to open</legend>
        {choice(
          "exec",
          "A new shell or command",
          mayExec ? "docker exec: a process of its own" : "needs container.exec",
          mayExec,
        )}
        {choice(
          "attach",
          "Attach to the main process",
          mayAttach
            ? mayExec
              ? "docker attach: its output, and your typing"
              : "docker attach: read-only, you may watch, not type"
            : "needs container.attach",
          mayAttach,
        )}
      </fieldset>
      {kind === "exec" ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField
            label="Command"
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            placeholder="auto (bash, else sh)"
            maxLength={256}
            autoFocus={autoFocus}
          />
          <TextField
            label="User"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            placeholder="the image's user"
            maxLength={64}
          />
          <TextField
            label="Working directory"
            value={workdir}
            onChange={(e) => {
              setWorkdir(e.target.value);
              setProblem(null);
            }}
            placeholder="the image's"
            maxLength={1024}
            error={problem}
          />
        </div>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" size="sm">
          {submitLabel}
        </Button>
        {onCancel ? (
          <Button size="sm" variant="quiet" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
