"use client";

// A container's logs in the browser: follows live output (scrolling along until the reader
// scrolls up), tail / since / until, timestamps, stdout and stderr apart, search with
// highlighting, wrap, ANSI colours, download. Only the rows on screen are in the DOM
// (@tanstack/react-virtual), the page keeps the last 100,000 lines, and new lines are drawn
// once per animation frame, so a container printing 10,000 lines a second stays readable.
import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ArrowDownToLine, ChevronDown, ChevronUp, Download, ScrollText } from "lucide-react";
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useViewer } from "../../auth/viewer-context";
import { EmptyState } from "../../empty-state";
import { useTRPC } from "../../trpc";
import { Alert } from "../../ui/alert";
import { Button } from "../../ui/button";
import { controlClass } from "../../ui/field";
import { Loading } from "../../ui/loading";
import { NoPermission } from "../../ui/no-permission";
import { holdsOn } from "../holds-on";
import { LogText } from "./log-line";
import { splitTimestamp, type StreamFilter } from "./log-store";
import { useLogStream, type LogQuery } from "./use-log-stream";

const ROW_HEIGHT = 18;
const TAILS = [100, 1000, 10_000, 100_000, "all"] as const;
type Tail = (typeof TAILS)[number];

/** "2026-11-25T10:00" (a datetime-local value, local time) -> unix seconds */
function toUnix(local: string): number | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function useFillHeight() {
  // Fill what is left of the viewport below wherever the viewer starts, whatever layout
  // (tabs, headers) sits above it.
  const ref = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState<number>();
  useLayoutEffect(() => {
    const measure = () => {
      const top = ref.current?.getBoundingClientRect().top ?? 0;
      setHeight(Math.max(320, window.innerHeight - top - 24));
    };
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, []);
  return { ref, height };
}

export function LogsViewer({
  environmentId,
  containerId,
  service,
}: {
  environmentId: string;
  containerId: string;
  /** A swarm service's logs instead (`containerId` is then the service's id): its tasks' lines merged. */
  service?: { name: string };
}) {
  const viewer = useViewer();
  const permission = service ? "service.logs" : "container.logs";
  const allowed = holdsOn(viewer, permission, environmentId);
  const trpc = useTRPC();
  const container = useQuery({
    ...trpc.containers.get.queryOptions({ environmentId, id: containerId }),
    retry: false,
    enabled: !service && allowed && holdsOn(viewer, "container.read", environmentId),
  });
  const name = service?.name ?? container.data?.name.replace(/^\//, "") ?? containerId.slice(0, 12);
  const what = service ? "service" : "container";

  const [follow, setFollow] = useState(true);
  const [tail, setTail] = useState<Tail>(1000);
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [timestamps, setTimestamps] = useState(false);
  const [filter, setFilter] = useState<StreamFilter>("all");
  const [wrap, setWrap] = useState(false);
  const [needle, setNeedle] = useState("");
  const [hitIndex, setHitIndex] = useState(-1);
  const [attempt, setAttempt] = useState(0);
  const sinceUnix = toUnix(since);
  const untilUnix = toUnix(until);
  const rangeProblem =
    sinceUnix !== undefined && untilUnix !== undefined && untilUnix <= sinceUnix ? "Until must be after since." : null;
  const query: LogQuery = {
    environmentId,
    containerId,
    source: service ? "service" : "container",
    follow: follow && untilUnix === undefined,
    tail,
    since: sinceUnix,
    until: untilUnix,
    timestamps,
    attempt,
  };
  const { store, status, version } = useLogStream(query, allowed && !rangeProblem);

  // ---- search -------------------------------------------------------------------------------
  const search = (value: string) => {
    setNeedle(value);
    store.search(value);
    setHitIndex(-1);
  };
  // store.version moves with every append and search: the hits are read fresh then.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const hits = useMemo(() => store.hitsFor(filter), [store, filter, store.version]);

  // ---- the list -----------------------------------------------------------------------------
  const scroller = useRef<HTMLDivElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const rows = store.rowCount(filter);
  // The virtualizer's functions change as it measures; this component re-renders per frame anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    getItemKey: (row) => store.seqAt(filter, row),
  });
  // Following: stay at the bottom while new lines come, until the reader scrolls up.
  const [pinned, setPinned] = useState(true);
  const pinnedRef = useRef(true);
  // Where our own last jump left the scroll position: a scroll event elsewhere is the reader's.
  const jumpedTo = useRef(-1);
  const toBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    jumpedTo.current = el.scrollTop;
  }, []);
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
    const ours = Math.abs(el.scrollTop - jumpedTo.current) < 2;
    if (ours && !atBottom) return; // content grew under the jump; the next frame catches up
    if (atBottom !== pinnedRef.current) {
      pinnedRef.current = atBottom;
      setPinned(atBottom);
    }
  };
  // Heights measured with wrapping on are wrong with it off, and the other way round.
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, wrap]);
  useLayoutEffect(() => {
    if (pinnedRef.current) toBottom();
  }, [version, rows, wrap, toBottom]);

  const jumpToLatest = () => {
    pinnedRef.current = true;
    setPinned(true);
    toBottom();
  };

  const goToHit = (direction: 1 | -1) => {
    if (!hits.length) return;
    const next =
      hitIndex === -1 ? (direction === 1 ? 0 : hits.length - 1) : (hitIndex + direction + hits.length) % hits.length;
    setHitIndex(next);
    const row = store.rowOf(filter, hits[next]!);
    if (row >= 0) {
      pinnedRef.current = false;
      setPinned(false);
      virtualizer.scrollToIndex(row, { align: "center" });
    }
  };
  const activeSeq = hitIndex >= 0 ? hits[hitIndex] : undefined;

  const onLogKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "End") {
      event.preventDefault();
      jumpToLatest();
    } else if (event.key === "/" || ((event.ctrlKey || event.metaKey) && event.key === "f")) {
      event.preventDefault();
      searchBox.current?.focus();
    }
  };

  const downloadHref = useMemo(() => {
    const params = new URLSearchParams({ timestamps: timestamps ? "1" : "0" });
    if (filter !== "all") {
      params.set("stdout", filter === "stdout" ? "1" : "0");
      params.set("stderr", filter === "stderr" ? "1" : "0");
    }
    if (sinceUnix !== undefined) params.set("since", String(sinceUnix));
    if (untilUnix !== undefined) params.set("until", String(untilUnix));
    return `/api/${service ? "services" : "containers"}/logs/${encodeURIComponent(environmentId)}/${encodeURIComponent(containerId)}?${params}`;
  }, [service, environmentId, containerId, timestamps, filter, sinceUnix, untilUnix]);

  const { ref: fillRef, height } = useFillHeight();

  if (!allowed) {
    return (
      <NoPermission permission={permission}>
        {`You do not have permission to read this ${what}'s logs. Ask an administrator for a role with the ${permission} permission on this environment.`}
      </NoPermission>
    );
  }

  const toggle = (on: boolean) =>
    on ? "bg-primary-soft text-primary-strong ring-1 ring-primary-border" : "text-fg hover:bg-hover";
  const streamLabel = { all: "All", stdout: "stdout", stderr: "stderr" } as const;

  return (
    <div ref={fillRef} style={{ height }} className="flex min-h-80 flex-col gap-2" data-testid="logs-viewer">
      <h1 className="sr-only">Logs of {name}</h1>
      <div className="flex flex-wrap items-end gap-x-3 gap-y-2 text-sm" role="toolbar" aria-label="Log options">
        <label className="flex items-center gap-1.5">
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => setFollow(e.target.checked)}
            className="size-4 accent-primary"
          />
          Follow
        </label>
        <label className="flex items-center gap-1.5">
          Tail
          <select
            value={String(tail)}
            onChange={(e) => setTail(e.target.value === "all" ? "all" : (Number(e.target.value) as Tail))}
            className={`${controlClass} w-auto py-1 text-xs`}
          >
            {TAILS.map((t) => (
              <option key={t} value={String(t)}>
                {t === "all" ? "all lines" : `last ${t.toLocaleString("en")}`}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1.5">
          Since
          <input
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            className={`${controlClass} w-auto py-1 text-xs`}
          />
        </label>
        <label className="flex items-center gap-1.5">
          Until
          <input
            type="datetime-local"
            value={until}
            aria-invalid={rangeProblem ? true : undefined}
            onChange={(e) => setUntil(e.target.value)}
            className={`${controlClass} w-auto py-1 text-xs`}
          />
        </label>
        <label className="flex items-center gap-1.5">
          <input
            type="checkbox"
            checked={timestamps}
            onChange={(e) => setTimestamps(e.target.checked)}
            className="size-4 accent-primary"
          />
          Timestamps
        </label>
        <label className="flex items-center gap-1.5">
          <input
            type="checkbox"
            checked={wrap}
            onChange={(e) => setWrap(e.target.checked)}
            className="size-4 accent-primary"
          />
          Wrap lines
        </label>
        <div
          role="group"
          aria-label="Streams"
          className="flex items-center gap-0.5 rounded-md border border-border-strong p-0.5"
        >
          {(["all", "stdout", "stderr"] as const).map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              className={`rounded px-2 py-0.5 text-xs font-medium ${toggle(filter === f)}`}
            >
              {f === "stderr" ? (
                <span aria-hidden className="mr-1 inline-block size-2 rounded-full bg-signal-fail" />
              ) : null}
              {streamLabel[f]}
            </button>
          ))}
        </div>
        <form
          role="search"
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            goToHit(1);
          }}
        >
          <label className="sr-only" htmlFor="logs-search">
            Search the logs
          </label>
          <input
            id="logs-search"
            ref={searchBox}
            type="search"
            value={needle}
            onChange={(e) => search(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && e.shiftKey) {
                e.preventDefault();
                goToHit(-1);
              }
            }}
            placeholder="Search (/)"
            className={`${controlClass} w-44 py-1 text-xs`}
          />
          <span
            className="w-24 text-xs whitespace-nowrap text-muted tabular-nums"
            aria-live="polite"
            data-testid="logs-hits"
          >
            {needle
              ? hits.length
                ? hitIndex >= 0
                  ? `${hitIndex + 1} of ${hits.length.toLocaleString("en")}`
                  : `${hits.length.toLocaleString("en")} ${hits.length === 1 ? "match" : "matches"}`
                : "no match"
              : ""}
          </span>
          <Button
            size="icon"
            variant="quiet"
            aria-label="Previous match"
            onClick={() => goToHit(-1)}
            disabled={!hits.length}
          >
            <ChevronUp aria-hidden className="size-4" />
          </Button>
          <Button size="icon" variant="quiet" aria-label="Next match" type="submit" disabled={!hits.length}>
            <ChevronDown aria-hidden className="size-4" />
          </Button>
        </form>
        <a
          href={downloadHref}
          download
          className="ml-auto inline-flex items-center gap-1.5 rounded-md border border-border-strong bg-surface px-2 py-1 text-xs font-medium text-fg hover:bg-hover"
          title="Every line in the chosen range and streams, as a text file"
        >
          <Download aria-hidden className="size-3.5" />
          Download
        </a>
      </div>

      {rangeProblem ? <Alert title="Check the time range">{rangeProblem}</Alert> : null}
      {status.phase === "error" ? (
        status.forbidden ? (
          <NoPermission permission={permission}>{status.message}</NoPermission>
        ) : (
          <Alert title="Could not read the logs">{status.message}</Alert>
        )
      ) : null}

      <div className="relative min-h-0 flex-1 overflow-hidden rounded-lg border border-border-strong bg-surface">
        {status.phase === "connecting" ? (
          <div className="p-3">
            <Loading label="Loading the logs" />
          </div>
        ) : rows === 0 && status.phase !== "error" ? (
          <div className="p-3" data-testid="logs-empty">
            <EmptyState icon={ScrollText} title={store.size ? "No lines on this stream" : "No output yet"}>
              {store.size
                ? "Lines from the other stream are hidden; choose All to see them."
                : status.phase === "ended"
                  ? `The ${what} wrote nothing in this range.`
                  : `New lines appear here as the ${what} writes them.`}
            </EmptyState>
          </div>
        ) : null}
        <div
          ref={scroller}
          onScroll={onScroll}
          onKeyDown={onLogKey}
          tabIndex={0}
          role="log"
          aria-label={`Log lines of ${name}`}
          aria-live="off"
          data-testid="logs-scroller"
          className={`h-full overflow-auto font-mono text-xs leading-[18px] text-fg outline-none focus-visible:ring-2 focus-visible:ring-ring ${rows === 0 ? "invisible" : ""}`}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: "relative", minWidth: "100%" }}>
            {virtualizer.getVirtualItems().map((item) => {
              const seq = store.seqAt(filter, item.index);
              const line = store.line(seq);
              if (!line) return null;
              const [time, text] = timestamps ? splitTimestamp(line.text) : [null, line.text];
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={wrap ? virtualizer.measureElement : undefined}
                  data-stream={line.stderr ? "stderr" : "stdout"}
                  className={`absolute left-0 flex min-w-full border-l-2 pr-3 pl-2 ${wrap ? "w-full break-all whitespace-pre-wrap" : "w-max whitespace-pre"} ${
                    line.stderr ? "border-danger-fg bg-danger-soft/70 text-danger-strong" : "border-transparent"
                  } ${seq === activeSeq ? "ring-1 ring-highlight-strong ring-inset" : ""}`}
                  style={{ transform: `translateY(${item.start}px)`, minHeight: ROW_HEIGHT }}
                >
                  {time ? (
                    <span className="mr-3 shrink-0 text-subtle select-none">
                      {time.replace("T", " ").replace(/\.(\d{3})\d*Z$/, ".$1Z")}
                    </span>
                  ) : null}
                  <span className="min-w-0">
                    <LogText text={text} needle={needle} />
                  </span>
                </div>
              );
            })}
          </div>
        </div>
        {!pinned && rows > 0 ? (
          <Button variant="primary" size="sm" className="absolute right-4 bottom-3 shadow-lg" onClick={jumpToLatest}>
            <ArrowDownToLine aria-hidden className="size-3.5" />
            Jump to latest
          </Button>
        ) : null}
      </div>

      <p className="flex flex-wrap gap-x-3 text-xs text-muted" data-testid="logs-status">
        <span role="status">
          {status.phase === "connecting"
            ? "Connecting…"
            : status.phase === "streaming"
              ? query.follow
                ? "Following live output"
                : "Reading…"
              : status.phase === "ended"
                ? query.follow
                  ? `The stream ended: the ${what} stopped, or your access to its logs did.`
                  : "All lines in the range are shown."
                : "Stopped by an error."}
        </span>
        {status.phase === "ended" || status.phase === "error" ? (
          <button
            type="button"
            onClick={() => setAttempt((n) => n + 1)}
            className="font-medium text-primary-fg underline-offset-2 hover:underline"
          >
            Read again
          </button>
        ) : null}
        <span data-testid="logs-count">{store.total.toLocaleString("en")} lines</span>
        {store.dropped ? (
          <span data-testid="logs-dropped">
            {store.dropped.toLocaleString("en")} older lines dropped (the page keeps at most{" "}
            {store.capacity.toLocaleString("en")}; download for all)
          </span>
        ) : null}
        <span className="ml-auto">End: latest · /: search · Enter / Shift+Enter: next / previous match</span>
      </p>
    </div>
  );
}
