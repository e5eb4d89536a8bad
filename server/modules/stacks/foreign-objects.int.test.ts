// A stack's file may name its secrets and configs explicitly (`name:`). When an object of that
// name exists and was not made by the stack, the deploy "updates" it with the file's data and
// the stack's labels: the engine answers whether the data is the same (an oracle on any secret's
// data for a role that may not read or write secrets), and on a match the stack takes the object
// over (its labels replaced by the stack's), so the stack's removal deletes it. Review finding.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openHarness, type Harness } from "@/server/testing/harness";
import { need } from "@/server/testing/testbed-env";
import type { Actor } from "@/server/core/context";
import { waitUntil } from "../../testing/wait-until";

const run = promisify(execFile);
const testbed = inject("testbed");
const socket = need(testbed, "TESTBED_SWARM_MANAGER_SOCKET");
const image = need(testbed, "TESTBED_FIXTURE_IMAGE");
const docker = new Docker({ socketPath: socket, version: "v1.41" });

const STACK = "h5grab";
const SECRET = "h5team_db_password";
const SECRET_TEXT = "hunter2";

const fileNaming = (name: string) => `
services:
  web:
    image: ${image}
    command: sleep 3600
    secrets:
      - pw
secrets:
  pw:
    name: ${name}
    file: ./pw.txt
`;

let h: Harness;
let operator: Actor;
let environmentId: string;

async function cleanUp() {
  await run("docker", ["-H", `unix://${socket}`, "stack", "rm", STACK]).catch(() => undefined);
  await waitUntil(async () => ((await docker.listServices({ filters: { name: [STACK] } })).length ? undefined : true));
  await waitUntil(async () => {
    const left = (await docker.listSecrets()).filter((s) => s.Spec?.Name === SECRET);
    for (const s of left)
      await docker
        .getSecret(s.ID)
        .remove()
        .catch(() => undefined);
    return (await docker.listSecrets()).some((s) => s.Spec?.Name === SECRET) ? undefined : true;
  });
}

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "grab-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "grab-operator")).id);
  await cleanUp();
  environmentId = (await h.caller(admin).environments.create({ name: "swarm manager", url: `unix://${socket}` })).id;
  await waitUntil(() =>
    Promise.resolve(h.services.fleet.status(environmentId)?.swarm?.role === "manager" ? true : undefined),
  );
  // The team's own secret, made by an admin, used by no stack.
  await h.caller(admin).secrets.create({ environmentId, name: SECRET, labels: { team: "db" }, data: SECRET_TEXT });
}, 180_000);

afterAll(async () => {
  await cleanUp().catch(() => undefined);
  await h?.close();
}, 180_000);

describe("a stack naming a secret it did not make", () => {
  it("neither tells a guess of its data from a miss nor takes it over", async () => {
    const deploy = (guess: string) =>
      h
        .caller(operator)
        .stacks.deploy({
          environmentId,
          name: STACK,
          composeFile: fileNaming(SECRET),
          files: [{ path: "pw.txt", data: guess }],
        })
        .then(
          () => "deployed",
          (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
        );
    const miss = await deploy("not-the-password");
    const hit = await deploy(SECRET_TEXT);
    // Whatever the answer, it must be the same for a right and a wrong guess.
    expect(hit.replace(/h5grab\S*/g, "")).toBe(miss.replace(/h5grab\S*/g, ""));
    const secret = (await docker.listSecrets()).find((s) => s.Spec?.Name === SECRET);
    expect(secret?.Spec?.Labels).toEqual({ team: "db" });
  }, 120_000);
});
