"use client";

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { Radio, ScrollText, ShieldCheck } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { EmptyState } from "../empty-state";
import { PageHeader } from "../page-header";
import { errorMessage } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { AuditFilters } from "./audit-filters";
import { AuditTable } from "./audit-table";
import { EventDialog } from "./event-dialog";
import { ExportMenu } from "./export-menu";
import { filterFromSearch, searchFromFilter, type AuditFilter } from "./filters";
import type { AuditEvent } from "./format";
import { VerifyResult } from "./verify-result";

const PAGE_SIZE = 50;

export function AuditView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const searchKey = search.toString();
  // Keyed on the query string so the object (and the queries keyed on it) only changes with it.
  const filter = useMemo(() => filterFromSearch(new URLSearchParams(searchKey)), [searchKey]);

  const environments = useQuery(trpc.environments.list.queryOptions());
  const envNames = useMemo(
    () => new Map((environments.data ?? []).map((env) => [env.id, env.name] as const)),
    [environments.data],
  );
  // Its name now; for one since removed, the name recorded with the event.
  const environmentName = useCallback(
    (id: string | null, recorded?: string | null) => (id ? (envNames.get(id) ?? recorded ?? id) : (recorded ?? "—")),
    [envNames],
  );

  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filter, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );

  // Live: new events for the current filter, newest first, on top of what the list loaded.
  const [live, setLive] = useState(false);
  const [arrived, setArrived] = useState<{ key: string; items: AuditEvent[] }>({ key: searchKey, items: [] });
  const tail = useSubscription(
    trpc.audit.tail.subscriptionOptions(filter, {
      enabled: live,
      // An action arrives twice: when its intent is written (pending) and when its outcome is.
      onData: (event) =>
        setArrived((prev) => {
          const items = prev.key === searchKey ? prev.items : [];
          return items.some((e) => e.id === event.id)
            ? { key: searchKey, items: items.map((e) => (e.id === event.id ? event : e)) }
            : { key: searchKey, items: [event, ...items].slice(0, 1000) };
        }),
    }),
  );
  const toggleLive = () => {
    if (live) {
      // Fold what arrived into the list proper.
      setArrived({ key: searchKey, items: [] });
      void queryClient.invalidateQueries({ queryKey: trpc.audit.list.pathKey() });
    }
    setLive(!live);
  };

  const rows = useMemo(() => {
    const liveItems = arrived.key === searchKey ? arrived.items : [];
    const loaded = events.data?.pages.flatMap((page) => page.items) ?? [];
    const seen = new Set(liveItems.map((e) => e.id));
    return [...liveItems, ...loaded.filter((e) => !seen.has(e.id))];
  }, [events.data, arrived, searchKey]);

  const apply = (next: AuditFilter) => router.replace(`${pathname}${searchFromFilter(next)}`, { scroll: false });

  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const [notice, setNotice] = useState<{ tone: "error" | "warning"; text: string } | null>(null);
  const showEvent = (id: string) => {
    const known = rows.find((e) => e.id === id);
    if (known) return setSelected(known);
    client.audit.get
      .query({ id })
      .then((event) => setSelected(event))
      .catch((error: unknown) =>
        setNotice({ tone: "error", text: `Could not open the event: ${errorMessage(error)}` }),
      );
  };

  const verify = useQuery({ ...trpc.audit.verify.queryOptions(), enabled: false, gcTime: 0 });
  const [showVerify, setShowVerify] = useState(false);
  const runVerify = () => {
    setShowVerify(true);
    void verify.refetch();
  };

  return (
    <>
      <PageHeader
        title="Audit"
        description="Who changed what, where, and when: an append-only record, chained with a key the database never holds."
      >
        <div className="flex flex-wrap items-center gap-2">
          <Button aria-pressed={live} onClick={toggleLive} variant={live ? "primary" : "secondary"}>
            <Radio aria-hidden className={`size-4 ${live ? "animate-pulse" : ""}`} />
            {live ? "Live" : "Go live"}
          </Button>
          <ExportMenu filter={filter} onNotice={setNotice} />
          <Button onClick={runVerify} pending={verify.isFetching}>
            <ShieldCheck aria-hidden className="size-4" />
            {verify.isFetching ? "Verifying…" : "Verify chain"}
          </Button>
        </div>
      </PageHeader>

      <AuditFilters filter={filter} environments={environments.data ?? []} onApply={apply} />

      {showVerify && verify.isError ? (
        <div className="mb-4">
          <Alert title="Could not verify the chain">{errorMessage(verify.error)}</Alert>
        </div>
      ) : showVerify && verify.data && !verify.isFetching ? (
        <VerifyResult result={verify.data} onShowEvent={showEvent} onDismiss={() => setShowVerify(false)} />
      ) : null}
      {notice ? (
        <div className="mb-4">
          <Alert tone={notice.tone}>{notice.text}</Alert>
        </div>
      ) : null}
      {live && tail.status === "error" ? (
        <div className="mb-4">
          <Alert tone="warning" title="Live updates stopped">
            {errorMessage(tail.error)}
          </Alert>
        </div>
      ) : live ? (
        <p role="status" className="mb-2 text-xs text-subtle">
          {tail.status === "pending" ? "Live: new events appear at the top as they are written." : "Connecting…"}
        </p>
      ) : null}

      {events.isPending ? (
        <Loading label="Loading events…" />
      ) : events.isError ? (
        <QueryError error={events.error} what="the audit trail" onRetry={() => void events.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState icon={ScrollText} title="No events match">
          {Object.keys(filter).length
            ? "Nothing in the record fits these filters. Widen them or clear them."
            : "Nothing has been recorded yet."}
        </EmptyState>
      ) : (
        <>
          <AuditTable events={rows} environmentName={environmentName} onOpen={setSelected} />
          <div className="mt-3 flex items-center justify-between text-sm text-subtle">
            <span>
              {rows.length.toLocaleString()} event{rows.length === 1 ? "" : "s"} shown
            </span>
            {events.hasNextPage ? (
              <Button pending={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
                {events.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            ) : (
              <span>That is all.</span>
            )}
          </div>
        </>
      )}

      <EventDialog event={selected} environmentName={environmentName} onClose={() => setSelected(null)} />
    </>
  );
}
