// N fake engines (fake-engine.ts) in a child process of their own, and the bench's handle on
// them: their unix:// URLs, events on demand, request counts.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeState } from "./fake-engine";

export type FleetRequest =
  | { id: number; type: "start"; engines: number; containersPerEngine: number; dir: string }
  | { id: number; type: "toggle"; engine: number; container: number }
  | { id: number; type: "stats" }
  | { id: number; type: "stop" };

export type FleetReply =
  | { id: number; type: "started"; urls: string[]; names: string[] }
  | { id: number; type: "toggled"; containerId: string; state: FakeState; emittedAt: number }
  | { id: number; type: "stats"; requests: Record<string, number>; eventStreams: number }
  | { id: number; type: "stopped" }
  | { id: number; type: "error"; message: string };

type Pending = { resolve: (reply: FleetReply) => void; reject: (error: Error) => void };

export class FakeFleet {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly urls: string[],
    readonly names: string[],
  ) {}

  /** Starts `engines` fake engines with `containersPerEngine` containers each. */
  static async start(engines: number, containersPerEngine: number): Promise<FakeFleet> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "stevedore-fake-fleet-"));
    const script = fileURLToPath(new URL("./fake-fleet-process.ts", import.meta.url));
    const child = fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    activeFleets.add({ child, dir });
    const fleet = new FakeFleet(child, dir, [], []);
    child.on("message", (reply: FleetReply) => {
      const waiter = fleet.pending.get(reply.id);
      if (!waiter) return;
      fleet.pending.delete(reply.id);
      if (reply.type === "error") waiter.reject(new Error(`fake fleet: ${reply.message}`));
      else waiter.resolve(reply);
    });
    child.once("exit", (code) => {
      for (const waiter of fleet.pending.values()) waiter.reject(new Error(`the fake fleet exited (${code})`));
      fleet.pending.clear();
    });
    const started = await fleet.ask({ type: "start", engines, containersPerEngine, dir });
    if (started.type !== "started") throw new Error("the fake fleet did not start");
    fleet.urls.push(...started.urls);
    fleet.names.push(...started.names);
    return fleet;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Stops or starts container `container` of engine `engine`; the events go out at `emittedAt`. */
  async toggle(
    engine: number,
    container: number,
  ): Promise<{ containerId: string; state: FakeState; emittedAt: number }> {
    const reply = await this.ask({ type: "toggle", engine, container });
    if (reply.type !== "toggled") throw new Error("unexpected reply");
    return { containerId: reply.containerId, state: reply.state, emittedAt: reply.emittedAt };
  }

  /** Requests served so far, by route, across all engines. */
  async requests(): Promise<{ requests: Record<string, number>; eventStreams: number }> {
    const reply = await this.ask({ type: "stats" });
    if (reply.type !== "stats") throw new Error("unexpected reply");
    return { requests: reply.requests, eventStreams: reply.eventStreams };
  }

  async stop(): Promise<void> {
    if (this.child.connected) {
      await this.ask({ type: "stop" }).catch(() => undefined);
      this.child.disconnect();
    }
    if (this.child.exitCode === null) await new Promise((resolve) => this.child.once("exit", resolve));
    rmSync(this.dir, { recursive: true, force: true });
    for (const entry of activeFleets) if (entry.child === this.child) activeFleets.delete(entry);
  }

  private ask<T extends FleetRequest["type"]>(
    request: { type: T } & Omit<Extract<FleetRequest, { type: T }>, "id">,
  ): Promise<FleetReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...request, id });
    });
  }
}

const activeFleets = new Set<{ child: ChildProcess; dir: string }>();

/** Last resort on exit: SIGKILL the fleets' processes by pid and remove their folders. */
export function killFakeFleetsNow(): void {
  for (const { child, dir } of activeFleets) {
    if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  activeFleets.clear();
}
