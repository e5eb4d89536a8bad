"use client";

import type { LucideIcon } from "lucide-react";
import { SearchX } from "lucide-react";
import type { ReactNode } from "react";
import { EmptyState } from "../empty-state";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";

interface QueryLike {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * What stands in for a list's table while it cannot show rows: loading, failed (with a way to
 * try again, or the permission it needs), empty, or nothing matching the filters. Renders the
 * table (`children`) otherwise.
 */
export function TableStates({
  query,
  what,
  total,
  shown,
  empty,
  onClearFilters,
  children,
}: {
  query: QueryLike;
  /** "the containers", for "Loading the containers…" and "Could not load the containers". */
  what: string;
  total: number;
  shown: number;
  empty: { icon: LucideIcon; title: string; body?: ReactNode };
  /** Offered when filters hide every row. */
  onClearFilters?: () => void;
  children: ReactNode;
}) {
  if (query.isPending) return <Loading label={`Loading ${what}…`} />;
  if (query.isError) return <QueryError error={query.error} what={what} onRetry={() => void query.refetch()} />;
  if (total === 0) {
    return (
      <EmptyState icon={empty.icon} title={empty.title}>
        {empty.body}
      </EmptyState>
    );
  }
  if (shown === 0) {
    return (
      <EmptyState icon={SearchX} title="Nothing matches">
        Nothing matches this search and these filters.{" "}
        {onClearFilters ? (
          <>
            <button type="button" className="font-medium underline" onClick={onClearFilters}>
              Clear them
            </button>
            .
          </>
        ) : null}
      </EmptyState>
    );
  }
  return <>{children}</>;
}
