// Two replicas (two server processes) over one real Postgres serve as one Stevedore: a sign-in
// works on either; a change made through one (a new environment, a rename, a revoked binding,
// a setting) reaches pages held open on the other; container events reach both from the
// engines; writes through both make one audit chain. How long a change takes to reach the
// other replica's page is printed (bench/replicas.ts measures it), not asserted.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ApiClient } from "../../testing/api-client";
import { openStream, sameSignIn, startTwoReplicas, type TwoReplicas } from "../../testing/replicas";
import { need } from "../../testing/testbed-env";
import { waitUntil } from "../../testing/wait-until";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath, version: "v1.41" });
const PASSWORD = "replica user passphrase";

type Change = {
  type: string;
  status?: { environmentId: string; name: string };
  events?: { kind?: string; type: string; id: string; item?: { name?: string } }[];
  environmentIds?: string[] | "all";
};

let replicas: TwoReplicas;
/** the administrator's sign-in made on A, used through B */
let adminOnB: ApiClient;
const figures: string[] = [];

beforeAll(async () => {
  replicas = await startTwoReplicas();
  adminOnB = sameSignIn(replicas.admin, replicas.b);
}, 600_000);

afterAll(async () => {
  if (figures.length) console.log(`two replicas: ${figures.join(", ")}`);
  await replicas?.stop();
});

/** A user with a built-in role everywhere, signed in on replica B. */
async function userOnB(username: string, roleName: string): Promise<{ client: ApiClient; bindingId: string }> {
  const { admin, b } = replicas;
  const user = await admin.mutate<{ id: string }>("users.create", { username, password: PASSWORD });
  const roles = await admin.query<{ id: string; name: string }[]>("roles.list");
  const role = roles.find((r) => r.name === roleName)!;
  const binding = await admin.mutate<{ id: string }>("bindings.create", {
    roleId: role.id,
    userId: user.id,
    environmentId: null,
  });
  const client = new ApiClient(b.url);
  await client.mutate("auth.login", { username, password: PASSWORD });
  return { client, bindingId: binding.id };
}

describe("two replicas on one Postgres", () => {
  let environmentId: string;

  it("a sign-in made on one replica works on the other", async () => {
    const me = await adminOnB.query<{ username: string } | null>("auth.me");
    expect(me?.username).toBe("admin");
    expect(replicas.b.output()).toContain("setup: already done");
    // B started beside A: A's open actions are A's, not interrupted ones for B to close.
    expect(replicas.b.output()).toContain("other replicas are running");
    expect(replicas.a.output()).not.toContain("other replicas are running");
  });

  it("a new environment made through A reaches a page open on B, with its containers' events", async () => {
    const { client: operator } = await userOnB("operator-b", "Operator");
    const page = await openStream<Change>(operator, "fleet.changes", {});
    try {
      const heard = page.next((c) => c.type === "status" && c.status?.name === "standalone");
      const sent = Date.now();
      const created = await replicas.admin.mutate<{ id: string }>("environments.create", {
        name: "standalone",
        url: `unix://${socketPath}`,
      });
      environmentId = created.id;
      const arrival = await heard;
      expect(arrival.data.status?.environmentId).toBe(environmentId);
      figures.push(`new environment on the other page ${arrival.at - sent} ms`);
      // B watches the engine itself: a container started behind Stevedore's back reaches its page.
      const name = `two-replicas-${Date.now()}`;
      const upsert = page.next(
        (c) => c.type === "picture" && (c.events ?? []).some((e) => e.type === "upsert" && e.item?.name === name),
      );
      const container = await engine.createContainer({
        Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
        name,
        Cmd: ["sleep", "60"],
        Labels: { "stevedore.test": "two-replicas" },
      });
      try {
        await upsert;
        const listed = await operator.query<{ items: { name: string }[] }>("containers.list", {
          environmentIds: [environmentId],
        });
        expect(listed.items.map((c) => c.name)).toContain(name);
      } finally {
        await container.remove({ force: true });
      }
    } finally {
      page.close();
    }
  });

  it("a rename through A reaches B's page and B's audit tail", async () => {
    const page = await openStream<Change>(adminOnB, "fleet.changes", {});
    const tail = await openStream<{ action: string; environmentId: string | null; targetId: string | null }>(
      adminOnB,
      "audit.tail",
    );
    try {
      const renamed = page.next((c) => c.type === "status" && c.status?.name === "standalone-renamed");
      const recorded = tail.next(
        (e) => e.action === "environments.update" && [e.environmentId, e.targetId].includes(environmentId),
      );
      const sent = Date.now();
      await replicas.admin.mutate("environments.update", { environmentId, name: "standalone-renamed" });
      const status = await renamed;
      const event = await recorded;
      figures.push(`rename on the other page ${status.at - sent} ms`, `audit tail ${event.at - sent} ms`);
      const list = await adminOnB.query<{ id: string; name: string }[]>("environments.list");
      expect(list.find((e) => e.id === environmentId)?.name).toBe("standalone-renamed");
    } finally {
      page.close();
      tail.close();
    }
  });

  it("writes through both replicas at once make one audit chain", async () => {
    const writes = [replicas.admin, adminOnB].flatMap((client, r) =>
      Array.from({ length: 15 }, (_, i) =>
        client.mutate("tokens.create", { name: `replica-${r}-${i}`, expiresInDays: 1 }),
      ),
    );
    await Promise.all(writes);
    for (const client of [replicas.admin, adminOnB]) {
      expect(await client.query("audit.verify")).toMatchObject({ ok: true });
    }
  });

  it("a binding revoked through A ends the user's page on B and their next call there", async () => {
    const { client: helpdesk, bindingId } = await userOnB("helpdesk-b", "Helpdesk");
    const page = await openStream<Change>(helpdesk, "fleet.changes", {});
    // Read once, so B holds the caller in its cache of resolved sign-ins.
    await helpdesk.query("environments.list");
    const sent = Date.now();
    await replicas.admin.mutate("bindings.remove", { id: bindingId });
    await page.ended;
    figures.push(`revoked binding ended the other page in ${Date.now() - sent} ms`);
    await expect(helpdesk.query("environments.list")).rejects.toThrow(/403/);
  });

  it("a setting changed through A (two-factor for everyone) ends pages on B of users without it", async () => {
    const { client: viewer } = await userOnB("viewer-b", "Read-only");
    const page = await openStream<Change>(viewer, "fleet.changes", {});
    const sent = Date.now();
    await replicas.admin.mutate("settings.update", { requireTwoFactor: true });
    await page.ended;
    figures.push(`two-factor setting ended the other page in ${Date.now() - sent} ms`);
    const me = await waitUntil(
      async () => {
        const actor = await viewer.query<{ mustEnrollTotp: boolean } | null>("auth.me");
        return actor?.mustEnrollTotp ? actor : undefined;
      },
      { ms: 30_000, retryErrors: true },
    );
    expect(me.mustEnrollTotp).toBe(true);
  });
});
