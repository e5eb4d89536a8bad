"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import {
  useCallback,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
} from "react";
import { useViewer } from "../auth/viewer-context";
import { ACTIONS, callContainerAction } from "../containers/container-actions";
import { holdsOn } from "../containers/holds-on";
import { useTRPC, useTRPCClient } from "../trpc";
import { errorMessage } from "../trpc-errors";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { NoPermission } from "../ui/no-permission";
import { ConsoleTab } from "./console-tab";
import { targetLabel, type ConsoleStatus, type SessionTarget } from "./console-session";
import { NewConsoleForm } from "./new-console-form";

/** Stevedore allows this many consoles per user at once (server/transport/ws/console-admission.ts). */
const MAX_TABS = 10;

interface Tab {
  id: number;
  label: string;
  target: SessionTarget;
  status: ConsoleStatus;
}

function stateWords(status: ConsoleStatus): string {
  if (status.phase === "connecting") return "connecting";
  if (status.phase === "connected") return status.readOnly ? "connected, read-only" : "connected";
  return `ended: ${status.message}`;
}

function dotClass(status: ConsoleStatus): string {
  if (status.phase === "connected") return status.readOnly ? "bg-signal-info" : "bg-signal-ok";
  if (status.phase === "connecting") return "animate-pulse bg-signal-busy";
  return status.failed ? "bg-signal-fail" : "bg-signal-idle";
}

/** The last choice made in the console form, kept in this browser for the next container. */
const CHOICE_KEY = "stevedore.console.choice";

const CHOICE_EVENT = "stevedore:console-choice";

function parseChoice(raw: string | null): SessionTarget | null {
  try {
    const value = JSON.parse(raw ?? "null") as SessionTarget | null;
    return value?.kind === "exec" || value?.kind === "attach" ? value : null;
  } catch {
    return null;
  }
}

function rememberChoice(target: SessionTarget) {
  try {
    localStorage.setItem(CHOICE_KEY, JSON.stringify(target));
    window.dispatchEvent(new Event(CHOICE_EVENT));
  } catch {
    // private mode or full storage: the choice is simply not remembered
  }
}

function onChoiceChange(notify: () => void) {
  window.addEventListener("storage", notify);
  window.addEventListener(CHOICE_EVENT, notify);
  return () => {
    window.removeEventListener("storage", notify);
    window.removeEventListener(CHOICE_EVENT, notify);
  };
}

/** The remembered choice; undefined while rendering on the server (there is no storage there). */
function useRememberedChoice(): SessionTarget | null | undefined {
  const raw = useSyncExternalStore(
    onChoiceChange,
    () => localStorage.getItem(CHOICE_KEY) ?? "",
    () => undefined,
  );
  return useMemo(() => (raw === undefined ? undefined : parseChoice(raw)), [raw]);
}

/** The page fills the window below wherever it starts (whatever layout sits above it). */
function useFillHeight() {
  const ref = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    const measure = () => {
      const top = ref.current?.getBoundingClientRect().top ?? 0;
      setHeight(Math.max(384, window.innerHeight - top - 24));
    };
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, []);
  return { ref, height };
}

/** Consoles into one container, in tabs: each a shell (exec) or the main process (attach). */
export function ConsoleView({ environmentId, containerId }: { environmentId: string; containerId: string }) {
  const viewer = useViewer();
  const mayExec = holdsOn(viewer, "container.exec", environmentId);
  const mayAttach = holdsOn(viewer, "container.attach", environmentId);

  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const target = { environmentId, id: containerId };
  // The same query as the details header: one request for both, and both see a start.
  const container = useQuery({ ...trpc.containers.get.queryOptions(target), retry: false });
  const state = container.data?.state.status;
  const startAction = ACTIONS.find((a) => a.name === (state === "paused" ? "unpause" : "start"));
  const mayStart = holdsOn(viewer, "container.lifecycle", environmentId);
  const start = useMutation({
    mutationFn: () => callContainerAction(client.containers, target, startAction!),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.containers.get.queryKey(target) }),
  });

  // Nothing runs in the container until the user asks: the first console waits for Connect.
  const remembered = useRememberedChoice();

  const counter = useRef(0);
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [active, setActive] = useState(0);
  const [adding, setAdding] = useState(false);
  const tabButtons = useRef(new Map<number, HTMLButtonElement>());
  const { ref, height } = useFillHeight();

  const setStatus = useCallback((id: number, status: ConsoleStatus) => {
    setTabs((all) => all.map((t) => (t.id === id ? { ...t, status } : t)));
  }, []);

  const open = (target: SessionTarget) => {
    const id = ++counter.current;
    setTabs((all) => [...all, { id, label: `${targetLabel(target)} ${id}`, target, status: { phase: "connecting" } }]);
    setActive(id);
    setAdding(false);
    rememberChoice(target);
  };
  const activeTab = tabs.find((t) => t.id === active);

  const close = (id: number) => {
    const index = tabs.findIndex((t) => t.id === id);
    const rest = tabs.filter((t) => t.id !== id);
    setTabs(rest);
    if (id === active && rest.length) {
      const next = rest[Math.min(index, rest.length - 1)]!;
      setActive(next.id);
      requestAnimationFrame(() => tabButtons.current.get(next.id)?.focus());
    }
  };

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const go = (i: number) => {
      const tab = tabs[(i + tabs.length) % tabs.length]!;
      setActive(tab.id);
      tabButtons.current.get(tab.id)?.focus();
    };
    if (event.key === "ArrowRight") go(index + 1);
    else if (event.key === "ArrowLeft") go(index - 1);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(tabs.length - 1);
    else if (event.key === "Delete") close(tabs[index]!.id);
    else return;
    event.preventDefault();
  };

  return (
    <div ref={ref} style={height ? { height } : undefined} className="flex min-h-96 flex-col">
      {/* The container layout above names the container, its state and environment. */}
      <h2 className="sr-only">Console</h2>

      {!mayExec && !mayAttach ? (
        <NoPermission permission="container.exec">
          You do not have permission to open a console here. Ask an administrator for a role with the container.exec
          permission on this environment.
        </NoPermission>
      ) : (
        <>
          <div className="mb-3 flex items-end gap-1 border-b border-border">
            <div role="tablist" aria-label="Consoles" className="flex min-w-0 overflow-x-auto">
              {tabs.map((tab, index) => {
                const selected = tab.id === active;
                return (
                  <div
                    key={tab.id}
                    className={`-mb-px flex shrink-0 items-center rounded-t-md border border-b-0 ${
                      selected ? "border-border bg-surface" : "border-transparent hover:bg-hover"
                    }`}
                  >
                    <button
                      ref={(el) => {
                        if (el) tabButtons.current.set(tab.id, el);
                        else tabButtons.current.delete(tab.id);
                      }}
                      type="button"
                      role="tab"
                      id={`console-tab-${tab.id}`}
                      aria-selected={selected}
                      aria-controls={`console-panel-${tab.id}`}
                      tabIndex={selected ? 0 : -1}
                      title={stateWords(tab.status)}
                      aria-keyshortcuts="Delete"
                      data-state={tab.status.phase}
                      onClick={() => setActive(tab.id)}
                      onKeyDown={(e) => onTabKey(e, index)}
                      className={`flex items-center gap-2 py-1.5 pr-1 pl-3 text-sm focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none ${
                        selected ? "font-medium text-fg" : "text-muted"
                      }`}
                    >
                      <span aria-hidden className={`size-2 shrink-0 rounded-full ${dotClass(tab.status)}`} />
                      <span className="font-mono text-xs">{tab.label}</span>
                      {tab.status.phase === "ended" ? (
                        <span aria-hidden className={`text-xs ${tab.status.failed ? "text-danger-fg" : "text-subtle"}`}>
                          ended
                        </span>
                      ) : null}
                      <span className="sr-only">, {stateWords(tab.status)}</span>
                    </button>
                    {/* For the mouse; keyboards press Delete on the tab or use "Close" beside the list
                        (a tab list may hold only tabs). */}
                    <button
                      type="button"
                      aria-hidden
                      tabIndex={-1}
                      title="Close (ends this session)"
                      onClick={() => close(tab.id)}
                      className="mr-1 rounded p-0.5 text-subtle hover:bg-border hover:text-fg focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
                    >
                      <X aria-hidden className="size-3.5" />
                    </button>
                  </div>
                );
              })}
            </div>
            {activeTab ? (
              <Button
                size="sm"
                variant="quiet"
                aria-label={`Close ${activeTab.label}`}
                title="Close this tab (ends its session)"
                onClick={() => close(activeTab.id)}
                className="mb-0.5 ml-auto shrink-0"
              >
                <X aria-hidden className="size-3.5" />
                Close
              </Button>
            ) : null}
            <Button
              size="icon"
              variant="quiet"
              aria-label="New console"
              title={tabs.length >= MAX_TABS ? `At most ${MAX_TABS} consoles at once` : "New console"}
              aria-expanded={adding}
              disabled={tabs.length >= MAX_TABS}
              onClick={() => setAdding((a) => !a)}
              className="mb-0.5"
            >
              <Plus aria-hidden className="size-4" />
            </Button>
          </div>

          {adding && tabs.length ? (
            <NewConsoleForm
              mayExec={mayExec}
              mayAttach={mayAttach}
              initial={remembered}
              onOpen={open}
              onCancel={() => setAdding(false)}
            />
          ) : null}

          {tabs.length === 0 ? (
            <section aria-labelledby="console-connect" className="space-y-3">
              <div>
                <h3 id="console-connect" className="text-base font-medium">
                  No console open
                </h3>
                <p className="text-sm text-muted">
                  Nothing runs in the container until you connect. The session is recorded in the audit trail.
                </p>
              </div>
              {state && state !== "running" ? (
                <Alert tone="warning" title={`This container is ${state === "paused" ? "paused" : "not running"}`}>
                  <p>
                    {state === "paused"
                      ? "A paused container runs nothing new: resume it to open a console."
                      : `It is ${state}: start it to open a console.`}
                  </p>
                  {startAction && mayStart ? (
                    <Button
                      size="sm"
                      variant="primary"
                      className="mt-2"
                      pending={start.isPending}
                      onClick={() => start.mutate()}
                    >
                      {state === "paused" ? "Resume container" : "Start container"}
                    </Button>
                  ) : null}
                  {start.error ? <p className="mt-2 text-danger-fg">{errorMessage(start.error)}</p> : null}
                </Alert>
              ) : remembered !== undefined ? (
                <NewConsoleForm
                  mayExec={mayExec}
                  mayAttach={mayAttach}
                  initial={remembered}
                  submitLabel="Connect"
                  autoFocus={false}
                  onOpen={open}
                />
              ) : null}
            </section>
          ) : null}

          {tabs.map((tab) => (
            <div
              key={tab.id}
              role="tabpanel"
              id={`console-panel-${tab.id}`}
              aria-labelledby={`console-tab-${tab.id}`}
              hidden={tab.id !== active}
              className="flex min-h-0 flex-1 flex-col"
            >
              <ConsoleTab
                environmentId={environmentId}
                containerId={containerId}
                target={tab.target}
                visible={tab.id === active}
                status={tab.status}
                onStatus={(status) => setStatus(tab.id, status)}
              />
            </div>
          ))}
          {tabs.length ? (
            <p className="mt-2 text-xs text-subtle">
              Selecting text copies it; paste with Ctrl+Shift+V (⌘V on a Mac). Closing a tab ends its session. Sessions
              are recorded in the audit trail.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
