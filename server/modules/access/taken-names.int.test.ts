// A name already used answers 409/CONFLICT saying it is taken, never a 500: renaming a team,
// a role, an environment or a registry onto another's name, and creating a user or a token
// under a name in use. Against the real database (and the test bed's registry for that one).
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "names-admin")).id);
});
afterAll(async () => {
  await h?.close();
});

async function refusal(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

function expectTaken(error: TRPCError, words: RegExp) {
  expect(error.code).toBe("CONFLICT");
  expect(getHTTPStatusCodeFromError(error)).toBe(409);
  expect(error.message).toMatch(words);
}

describe("a taken name is a 409 that says so", () => {
  it("renaming a team onto another team's name", async () => {
    const api = h.caller(admin);
    await api.teams.create({ name: "names-team-a" });
    const b = await api.teams.create({ name: "names-team-b" });
    expectTaken(await refusal(api.teams.update({ id: b.id, name: "names-team-a" })), /taken|exists already/);
    expectTaken(await refusal(api.teams.create({ name: "names-team-a" })), /A team named names-team-a exists already/);
  });

  it("renaming a role onto another role's name", async () => {
    const api = h.caller(admin);
    await api.roles.create({ name: "names-role-a", permissions: ["container.read"] });
    const b = await api.roles.create({ name: "names-role-b", permissions: ["container.read"] });
    expectTaken(await refusal(api.roles.update({ id: b.id, name: "names-role-a" })), /taken|exists already/);
    expectTaken(
      await refusal(api.roles.create({ name: "names-role-a", permissions: [] })),
      /A role named names-role-a exists already/,
    );
  });

  it("renaming an environment onto another environment's name", async () => {
    const api = h.caller(admin);
    const socket = need(testbed, "TESTBED_STANDALONE_SOCKET");
    await api.environments.create({ name: "names-env-a", url: `unix://${socket}`, skipTest: true });
    const b = await api.environments.create({ name: "names-env-b", url: `unix://${socket}`, skipTest: true });
    expectTaken(
      await refusal(api.environments.update({ environmentId: b.id, name: "names-env-a" })),
      /taken|exists already/,
    );
    expectTaken(
      await refusal(api.environments.create({ name: "names-env-a", url: `unix://${socket}`, skipTest: true })),
      /An environment named names-env-a exists already/,
    );
    for (const id of [b.id]) await api.environments.remove({ environmentId: id });
    const a = await h.prisma.environment.findUniqueOrThrow({ where: { name: "names-env-a" } });
    await api.environments.remove({ environmentId: a.id });
  });

  it("a user under a username in use", async () => {
    const api = h.caller(admin);
    await api.users.create({ username: "names-user", password: "a long enough passphrase 1" });
    expectTaken(
      await refusal(api.users.create({ username: "names-user", password: "a long enough passphrase 2" })),
      /The username names-user is taken/,
    );
  });

  it("a token under a name the caller uses already", async () => {
    const api = h.caller(admin);
    await api.tokens.create({ name: "names-token", expiresInDays: 1 });
    expectTaken(
      await refusal(api.tokens.create({ name: "names-token", expiresInDays: 1 })),
      /You already have a token named names-token/,
    );
  });

  it("renaming a registry onto another registry's name", async () => {
    const api = h.caller(admin);
    const url = `http://${need(testbed, "TESTBED_REGISTRY")}`;
    const login = {
      username: need(testbed, "TESTBED_REGISTRY_USER"),
      password: need(testbed, "TESTBED_REGISTRY_PASSWORD"),
    };
    await api.registries.create({ name: "names-registry-a", url, ...login });
    const b = await api.registries.create({ name: "names-registry-b", url, ...login });
    expectTaken(
      await refusal(api.registries.update({ id: b.id, name: "names-registry-a" })),
      /names-registry-a is saved already/,
    );
  });
});
