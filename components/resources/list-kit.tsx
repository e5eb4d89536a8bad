"use client";

// What the fleet-wide resource lists (images, volumes, networks) share around the data table:
// environment names, the environment filter, the per-environment error banners, the live
// status line, and a stable callback for column actions.
import { useCallback, useLayoutEffect, useMemo, useRef } from "react";
import type { ListError } from "../data-table/live-list-model";
import { FilterField } from "../data-table/toolbar";
import { Alert } from "../ui/alert";
import { cn } from "../ui/cn";
import { controlClass } from "../ui/field";

/** A callback whose identity never changes but which always runs the latest `fn` (column actions). */
export function useStable<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const latest = useRef(fn);
  useLayoutEffect(() => {
    latest.current = fn;
  });
  return useCallback((...args: A) => latest.current(...args), []);
}

/**
 * Names by environment id, stable while the names are the same (a status change on the live
 * feed gives a new array but must not redraw every row).
 */
export function useEnvironmentNames(environments: readonly { id: string; name: string }[] | undefined) {
  const namesKey = JSON.stringify((environments ?? []).map((e) => [e.id, e.name]));
  const names = useMemo(() => new Map(JSON.parse(namesKey) as [string, string][]), [namesKey]);
  return useCallback((id: string) => names.get(id) ?? id, [names]);
}

export function LiveStatus({ status }: { status: "idle" | "connecting" | "pending" | "error" }) {
  return (
    <span className="text-xs text-subtle" data-testid="live-status">
      {status === "pending" ? "Live" : status === "connecting" ? "Connecting to live updates…" : null}
    </span>
  );
}

export function EnvironmentFilter({
  environments,
  value,
  onChange,
}: {
  environments: readonly { id: string; name: string }[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <FilterField label="Environment">
      <select value={value} onChange={(e) => onChange(e.target.value)} className={cn(controlClass, "w-44")}>
        <option value="">All</option>
        {environments.map((env) => (
          <option key={env.id} value={env.id}>
            {env.name}
          </option>
        ))}
      </select>
    </FilterField>
  );
}

/** One banner per environment that did not answer; the rows of the others are still shown. */
export function EnvironmentErrors({
  errors,
  envName,
}: {
  errors: readonly ListError[];
  envName: (id: string) => string;
}) {
  return (
    <>
      {errors.map((error) => (
        <Alert key={error.environmentId} tone="warning" title={`${envName(error.environmentId)} unreachable`}>
          {error.message}
        </Alert>
      ))}
    </>
  );
}

/** Whether a label (as `key=value`) holds the search's `needle` (in lower case). */
export function labelsMatch(labels: Record<string, string>, needle: string): boolean {
  return Object.entries(labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle));
}

/** 1536 -> "1.5 KiB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
