"use client";

import { useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { SelectField, TextField } from "../ui/field";
import { fromLocalInput, outcomes, toLocalInput, type AuditFilter } from "./filters";

type Draft = Record<"actor" | "action" | "target" | "outcome" | "environment" | "from" | "to", string>;
type Environment = { id: string; name: string };

function draftOf(filter: AuditFilter, environments: Environment[]): Draft {
  const chosen = filter.environmentId
    ? (environments.find((env) => env.id === filter.environmentId)?.name ?? filter.environmentId)
    : undefined;
  return {
    actor: filter.actor ?? "",
    action: filter.action ?? "",
    target: filter.target ?? "",
    outcome: filter.outcome ?? "",
    environment: chosen ?? filter.environment ?? "",
    from: toLocalInput(filter.from),
    to: toLocalInput(filter.to),
  };
}

function filterOf(draft: Draft, environments: Environment[]): AuditFilter {
  const filter: AuditFilter = {};
  for (const key of ["actor", "action", "target"] as const) {
    const value = draft[key].trim();
    if (value) filter[key] = value;
  }
  // An environment there is now, by its exact name: that one. Any other text: the name it had at
  // the time of the event (or part of it, or an id), so one renamed or removed is still found.
  const environment = draft.environment.trim();
  const current = environments.find((env) => env.name === environment);
  if (current) filter.environmentId = current.id;
  else if (environment) filter.environment = environment;
  if (draft.outcome) filter.outcome = draft.outcome as AuditFilter["outcome"];
  const from = fromLocalInput(draft.from);
  const to = fromLocalInput(draft.to);
  if (from) filter.from = from;
  if (to) filter.to = to;
  return filter;
}

/** The filter form; it applies on submit, and the page keeps what it applied in the URL. */
export function AuditFilters({
  filter,
  environments,
  onApply,
}: {
  filter: AuditFilter;
  environments: Environment[];
  onApply: (filter: AuditFilter) => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(filter, environments));
  // A link or the back button changes the applied filter: show what is applied.
  const [applied, setApplied] = useState(filter);
  if (applied !== filter) {
    setApplied(filter);
    setDraft(draftOf(filter, environments));
  }
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(filterOf(draft, environments));
  };
  const active = Object.keys(filter).length > 0;
  return (
    <form
      role="search"
      aria-label="Filter events"
      onSubmit={submit}
      className="mb-4 grid gap-3 rounded-lg border border-border bg-surface p-4 sm:grid-cols-2 lg:grid-cols-4"
    >
      <TextField label="Actor" placeholder="username" value={draft.actor} onChange={set("actor")} />
      <TextField
        label="Action"
        placeholder="e.g. container. or teams.create"
        value={draft.action}
        onChange={set("action")}
      />
      <TextField label="Target" placeholder="name, id or kind" value={draft.target} onChange={set("target")} />
      <SelectField label="Outcome" value={draft.outcome} onChange={set("outcome")}>
        <option value="">Any outcome</option>
        {outcomes.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Environment"
        placeholder="name, also a past one"
        value={draft.environment}
        onChange={set("environment")}
        list="audit-environments"
      />
      <datalist id="audit-environments">
        {environments.map((env) => (
          <option key={env.id} value={env.name} />
        ))}
      </datalist>
      <TextField label="From" type="datetime-local" value={draft.from} onChange={set("from")} />
      <TextField label="To" type="datetime-local" value={draft.to} onChange={set("to")} />
      <div className="flex items-end gap-2">
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
        {active ? (
          <Button variant="quiet" onClick={() => onApply({})}>
            Clear
          </Button>
        ) : null}
      </div>
    </form>
  );
}
