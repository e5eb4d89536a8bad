// docker-compose.yml on one host without a swarm (`docker compose up`), the README's
// single-host variant: the image built from a clean checkout's Dockerfile, Postgres beside it,
// the secrets from files, the engine's socket mounted and offered at first start, then removed.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../server/testing/api-client";
import {
  buildStevedoreImage,
  cleanCheckout,
  composeUp,
  loadBaseImages,
  waitFor,
  type Checkout,
  type ComposedProject,
  type Engine,
} from "../server/testing/stack";
import { need } from "../server/testing/testbed-env";

const testbed = inject("testbed");
// The swarm manager's engine, used here as a plain host: Compose makes plain containers.
const socketPath = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const engine: Engine = { host: `unix://${socketPath}` };
const PORT = 3300;
let checkout: Checkout | undefined;
let project: ComposedProject | undefined;
let url: string;

beforeAll(async () => {
  checkout = await cleanCheckout();
  const base = await loadBaseImages(checkout, engine);
  const image = await buildStevedoreImage(checkout, engine, base);
  project = await composeUp(checkout, engine, { image, base, socketPath, port: PORT });
  url = `http://${need(testbed, "TESTBED_SWARM_MANAGER_ADDR")}:${PORT}`;
  await waitFor(
    async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
    240_000,
    () => project!.logs(),
  );
}, 1_800_000);

afterAll(async () => {
  await project?.down().catch((error: unknown) => console.error("docker-compose down:", error));
  await checkout?.remove();
}, 120_000);

describe("docker-compose.yml with docker compose up on one host", () => {
  it("serves Stevedore over Postgres, set up with the printed code, the socket offered as local", async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ db: "up" });
    const logs = await project!.logs();
    expect(logs).toContain("Postgres at DATABASE_URL");
    const setupCode = /setup code[\s\S]*?\b([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})\b/.exec(logs)?.[1];
    expect(setupCode, logs).toBeTruthy();
    const admin = new ApiClient(url);
    await admin.mutate("auth.setup", { setupCode, username: "admin", password: "compose test passphrase" });
    const local = await admin.query<{ url: string; state: string }>("environments.localSocket");
    // Mounted, and usable by the unprivileged server (it joined the socket's group).
    expect(local).toMatchObject({ url: "unix:///var/run/docker.sock", state: "available" });
    const created = await admin.mutate<{ id: string }>("environments.create", { name: "local", url: local.url });
    const swarm = await waitFor(
      async () => {
        const list =
          await admin.query<{ id: string; status: { state: string; swarm?: { nodes?: number } } | null }[]>(
            "environments.list",
          );
        const status = list.find((env) => env.id === created.id)?.status;
        return status?.state === "up" && status.swarm?.nodes !== undefined ? status.swarm : undefined;
      },
      60_000,
      async () => JSON.stringify(await admin.query("environments.list")),
    );
    // That host's engine is the test bed's swarm manager: it sees the three nodes.
    expect(swarm.nodes).toBe(3);
  });
});
