"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Film, Keyboard, Pause, Play } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { EmptyState } from "../empty-state";
import { errorCode } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Loading } from "../ui/loading";
import { QueryError } from "../ui/query-error";
import { describeTarget, formatEventTime } from "./format";
import {
  CastError,
  IDLE_LIMIT,
  ReplayClock,
  SPEEDS,
  countUntil,
  formatClock,
  framesBetween,
  parseCast,
  screenAt,
  type Cast,
  type Speed,
} from "./replay";
import type { ReplayScreen } from "./replay-terminal";

// xterm.js touches `window` when it loads: browser only.
const ReplayTerminal = dynamic(() => import("./replay-terminal"), {
  ssr: false,
  loading: () => <p className="p-3 font-mono text-xs text-faint">Loading the player…</p>,
});

/** The wall clock the replay runs on (milliseconds). */
const wallClock = () => performance.now();

/** Keystrokes as readable text: Enter as ⏎, escape as ␛, other controls as ^X. */
function visibleKeys(text: string): string {
  return [...text]
    .map((c) => {
      const code = c.charCodeAt(0);
      if (c === "\r" || c === "\n") return "⏎";
      if (code === 0x1b) return "␛";
      if (code === 0x7f) return "⌫";
      if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
      return c;
    })
    .join("");
}

function Player({ cast }: { cast: Cast }) {
  const [screen, setScreen] = useState<ReplayScreen | null>(null);
  const clock = useMemo(() => new ReplayClock(cast.duration), [cast]);
  const shown = useRef(0);
  const frame = useRef(0);
  const [position, setPosition] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(1);
  const [keys, setKeys] = useState("");

  /** Redraws the screen as it was at `t`: all output up to t, in one write. */
  const draw = useCallback(
    (on: ReplayScreen, t: number) => {
      clock.seek(t, wallClock());
      const at = clock.position(wallClock());
      const state = screenAt(cast, at);
      on.reset(state.size);
      on.write(state.output);
      shown.current = countUntil(cast.events, at);
      setPosition(at);
      setKeys(state.input.slice(-80));
    },
    [cast, clock],
  );
  const seekTo = (t: number) => {
    if (screen) draw(screen, t);
  };
  // The first picture (the start of the session) as soon as the screen exists.
  const onReady = useCallback(
    (next: ReplayScreen | null) => {
      setScreen(next);
      if (next) draw(next, 0);
    },
    [draw],
  );

  // While playing, each animation frame applies the events that fall due.
  useEffect(() => {
    if (!playing || !screen) return;
    const tick = () => {
      const now = wallClock();
      const t = clock.position(now);
      const upto = countUntil(cast.events, t);
      if (upto > shown.current) {
        let typed = "";
        for (const f of framesBetween(cast.events, shown.current, upto)) {
          if (f.size) screen.resize(f.size);
          if (f.output) screen.write(f.output);
          typed += f.input;
        }
        if (typed) setKeys((k) => (k + typed).slice(-80));
        shown.current = upto;
      }
      setPosition(t);
      if (clock.finished(now)) {
        clock.stopAtEnd();
        setPlaying(false);
        return;
      }
      frame.current = requestAnimationFrame(tick);
    };
    frame.current = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame.current);
  }, [playing, screen, cast, clock]);

  const toggle = () => {
    const now = wallClock();
    if (clock.playing) {
      clock.pause(now);
      setPlaying(false);
      return;
    }
    if (clock.position(now) >= cast.duration) seekTo(0);
    clock.play(wallClock());
    setPlaying(true);
  };
  const chooseSpeed = (s: Speed) => {
    clock.setSpeed(s, wallClock());
    setSpeed(s);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest("button, input")) return; // they handle their own keys
    if (event.key === " " || event.key === "k") {
      event.preventDefault();
      toggle();
    }
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-3" onKeyDown={onKeyDown}>
      <div
        tabIndex={0}
        aria-label="Replayed terminal (space plays or pauses)"
        className="min-h-64 flex-1 overflow-hidden rounded-lg border border-border-strong bg-terminal p-2 focus:ring-2 focus:ring-ring focus:outline-none"
      >
        <ReplayTerminal onReady={onReady} />
      </div>

      <div className="flex flex-wrap items-center gap-3">
        <Button variant="primary" onClick={toggle} disabled={!screen} aria-label={playing ? "Pause" : "Play"}>
          {playing ? <Pause aria-hidden className="size-4" /> : <Play aria-hidden className="size-4" />}
          {playing ? "Pause" : "Play"}
        </Button>
        <div role="group" aria-label="Speed" className="flex overflow-hidden rounded-md border border-border-strong">
          {SPEEDS.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={speed === s}
              onClick={() => chooseSpeed(s)}
              className={`px-2.5 py-1 text-xs font-medium focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none ${
                speed === s ? "bg-primary text-on-primary" : "bg-surface text-fg hover:bg-hover"
              }`}
            >
              {s}×
            </button>
          ))}
        </div>
        <input
          type="range"
          aria-label="Seek"
          min={0}
          max={cast.duration || 0}
          // Any value: a stepped slider snaps the value React set and reports a second change.
          step="any"
          value={position}
          disabled={!screen || cast.duration === 0}
          onChange={(e) => {
            const t = Number(e.target.value);
            if (Math.abs(t - position) > 0.0005) seekTo(t);
          }}
          className="min-w-40 flex-1 accent-primary"
        />
        <span data-testid="replay-clock" className="font-mono text-sm text-fg tabular-nums">
          {formatClock(position)} / {formatClock(cast.duration)}
        </span>
      </div>

      <div className="flex flex-wrap items-start justify-between gap-2 text-xs text-muted">
        {cast.hasInput ? (
          <p className="flex min-w-0 items-center gap-1.5" data-testid="replay-keys">
            <Keyboard aria-hidden className="size-3.5 shrink-0" />
            <span>Keystrokes:</span>
            <code className="truncate rounded bg-hover px-1.5 py-0.5 font-mono text-fg">
              {keys ? visibleKeys(keys) : "—"}
            </code>
          </p>
        ) : (
          <p>Keystrokes were not recorded for this session, only what the terminal showed.</p>
        )}
        <p>
          Pauses longer than {IDLE_LIMIT} s play as {IDLE_LIMIT} s. Space plays or pauses.
        </p>
      </div>
    </div>
  );
}

/** A console session's recording, played back in the browser (audit.recordings). */
export function ReplayView({ eventId }: { eventId: string }) {
  const trpc = useTRPC();
  const event = useQuery({ ...trpc.audit.get.queryOptions({ id: eventId }), retry: false });
  const recording = useQuery({
    ...trpc.audit.recording.queryOptions({ id: eventId }),
    retry: false,
    staleTime: Infinity,
  });
  const parsed = useMemo((): { cast: Cast } | { problem: string } | null => {
    if (!recording.data) return null;
    try {
      return { cast: parseCast(recording.data.cast) };
    } catch (error) {
      return { problem: error instanceof CastError ? error.message : "The recording cannot be read." };
    }
  }, [recording.data]);

  let body;
  if (recording.isPending) body = <Loading label="Loading the recording…" />;
  else if (recording.isError) {
    body =
      errorCode(recording.error) === "NOT_FOUND" ? (
        <EmptyState icon={Film} title="No recording to play">
          {recording.error.message} Only console sessions (exec and attach) are recorded.
        </EmptyState>
      ) : (
        <QueryError error={recording.error} onRetry={() => void recording.refetch()} what="the recording" />
      );
  } else if (!parsed || "problem" in parsed) {
    body = <Alert title="The recording cannot be played">{parsed?.problem ?? "It is empty."}</Alert>;
  } else if (!parsed.cast.events.some((e) => e.kind === "o")) {
    body = (
      <EmptyState icon={Film} title="Nothing was shown in this session">
        The session ended before the terminal showed anything.
      </EmptyState>
    );
  } else body = <Player cast={parsed.cast} />;

  const e = event.data;
  return (
    <div className="flex h-[calc(100vh-3rem)] min-h-[32rem] flex-col">
      <header className="mb-4 space-y-2">
        <Link href="/audit" className="inline-flex items-center gap-1 text-sm text-muted hover:text-fg">
          <ArrowLeft aria-hidden className="size-4" />
          Audit
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight">Session replay</h1>
        {e ? (
          <p className="text-sm text-muted">
            <code className="font-mono text-xs">{e.action}</code> by {e.actorUsername ?? "—"} on {describeTarget(e)}
            {e.environmentName ? ` in ${e.environmentName}` : ""}, {formatEventTime(e.time)}
            {parsed && "cast" in parsed && parsed.cast.command ? (
              <>
                {" "}
                (<code className="font-mono text-xs">{parsed.cast.command}</code>)
              </>
            ) : null}
          </p>
        ) : event.isError ? (
          <p className="text-sm text-danger-fg">{event.error.message}</p>
        ) : null}
      </header>
      {body}
    </div>
  );
}
