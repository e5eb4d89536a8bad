// A stack read is compound (every object of several kinds, then every task): on a large swarm a
// healthy manager takes longer over it than the moment after which a simple read is asked of the
// next manager as well. Here the test bed's manager is added twice, once behind a socket that
// answers stack reads slowly (longer than HEDGE_MS), once behind one that only counts them: the
// slow manager, asked first, answers, and the other is never asked nor the slow one suspected.
import { once } from "node:events";
import { rmSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { waitUntil } from "../../testing/wait-until";
import type { Actor } from "../../core/context";
import { clusterOfManager } from "../swarm/cluster";
import { candidatesOf, HEDGE_MS, isSuspect } from "../swarm/managers";

const testbed = inject("testbed");
const engineSocket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");

/** A stack read's first call: the services labelled with a stack (inventory.ts, adopt.ts). */
const isStackRead = (requestLine: string) =>
  /^GET \S*\/services\?/.test(requestLine) && requestLine.includes("com.docker.stack.namespace");

/**
 * A unix socket in front of the engine's: every byte passes, but the answer to a stack read
 * arrives `slowMs` late. Counts the stack reads it was asked.
 */
async function engineBehind(path: string, slowMs: number) {
  rmSync(path, { force: true });
  let stackReads = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const engine = net.connect(engineSocket);
    open.add(client).add(engine);
    // Requests on one connection take turns (keep-alive): an answer is the last request's.
    let slow = false;
    client.on("data", (chunk: Buffer) => {
      const line = chunk.toString("latin1", 0, Math.min(chunk.length, 2048)).split("\r\n", 1)[0]!;
      if (/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line)) {
        slow = slowMs > 0 && isStackRead(line);
        if (isStackRead(line)) stackReads++;
      }
      engine.write(chunk);
    });
    engine.on("data", (chunk: Buffer) => {
      const send = () => void (client.destroyed || client.write(chunk));
      // Delayed by the same span each, the chunks keep their order.
      if (slow) setTimeout(send, slowMs);
      else send();
    });
    const close = () => {
      client.destroy();
      engine.destroy();
      open.delete(client);
      open.delete(engine);
    };
    for (const end of [client, engine]) {
      end.on("error", close);
      end.on("close", close);
    }
  });
  server.listen(path);
  await once(server, "listening");
  return {
    url: `unix://${path}`,
    stackReads: () => stackReads,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}

let h: Harness;
let admin: Actor;
let slow: Awaited<ReturnType<typeof engineBehind>>;
let counted: Awaited<ReturnType<typeof engineBehind>>;
const env = { slow: "", counted: "" };

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "hedge-admin")).id);
  slow = await engineBehind(`/tmp/stevedore-hedge-${process.pid}-slow.sock`, HEDGE_MS + 100);
  counted = await engineBehind(`/tmp/stevedore-hedge-${process.pid}-counted.sock`, 0);
  const api = h.caller(admin);
  // Both name the same manager; the slow one is asked first (its name comes first, all else equal).
  env.slow = (await api.environments.create({ name: "hedge-a-slow", url: slow.url })).id;
  env.counted = (await api.environments.create({ name: "hedge-b-counted", url: counted.url })).id;
  const fleet = h.services.fleet;
  await waitUntil(
    async () => {
      const cluster = await clusterOfManager(fleet, env.slow);
      const order = candidatesOf(fleet, cluster).map((m) => m.environmentId);
      const ready = [env.slow, env.counted].every((id) => fleet.status(id)?.state === "up" && fleet.picture.isWarm(id));
      return ready && order[0] === env.slow && order[1] === env.counted;
    },
    { ms: 30_000, retryErrors: true, what: "one cluster of the two manager environments, the slow one first" },
  );
});

afterAll(async () => {
  await h?.close();
  await Promise.all([slow?.close(), counted?.close()]);
});

describe("a stack read", () => {
  it("waits for a manager slower than a simple read's hedge: the other is not asked, the slow one not suspected", async () => {
    const { items, errors } = await h.caller(admin).stacks.list();
    expect(errors).toEqual([]);
    expect(items).toBeDefined();
    expect(slow.stackReads()).toBeGreaterThan(0);
    expect(counted.stackReads()).toBe(0);
    expect(isSuspect(h.services.fleet, env.slow)).toBe(false);
  });
});
