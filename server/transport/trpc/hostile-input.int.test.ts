// Every mutation in the router, called with hostile inputs as the most powerful caller (an
// administrator, whose calls reach furthest into the handlers) and as nobody: each answer is a
// 4xx with a message meant for people (or, where the hostile input happens to be valid, a
// success), never a 5xx nor database or stack text, and each call is on the audit trail.
// Against the real database and a real engine.
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { callPath } from "../../testing/calls";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import type { Actor } from "../../core/context";
import { appRouter } from "./root";

const testbed = inject("testbed");
let h: Harness;
let admin: Actor;
let environmentId: string;

/** The real engine as an environment (again, when a hostile but valid call removed it). */
async function ensureEnvironment(): Promise<void> {
  const socket = need(testbed, "TESTBED_STANDALONE_SOCKET");
  const row = await h.prisma.environment.upsert({
    where: { name: "fuzz-standalone" },
    create: { name: "fuzz-standalone", url: `unix://${socket}` },
    update: { url: `unix://${socket}`, paused: false },
  });
  environmentId = row.id;
}

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "fuzz-admin")).id);
});
afterAll(async () => {
  await h?.close();
});

const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .filter(([, p]) => p._def.type === "mutation")
  .map(([path]) => path);

function nested(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = { raw: [value] };
  return value;
}

/** Inputs nobody should be able to turn into a 5xx. Each says why it is hostile. */
function hostileInputs(): [string, (env: string) => unknown][] {
  const nul = "x\u0000y";
  return [
    [
      "a NUL character in every string field",
      (env) => ({
        environmentId: env,
        id: nul,
        name: nul,
        username: nul,
        password: `correct horse ${nul}`,
        url: `unix:///tmp/${nul}`,
        spec: { image: nul, name: nul, env: [`A=${nul}`], labels: { [nul]: nul } },
      }),
    ],
    ["a NUL character in a field name", (env) => ({ environmentId: env, id: "abc", [`na\u0000me`]: "v" })],
    [
      "raw fields nested 5,000 levels deep",
      (env) => ({ environmentId: env, id: "abc", name: "deep", spec: { image: "x", raw: nested(5000) } }),
    ],
    [
      "raw fields nested 60 levels deep (under the cap)",
      (env) => ({ environmentId: env, id: "abc", name: "deep60", spec: { image: "x", raw: nested(29) } }),
    ],
    ["every field the wrong type", () => ({ environmentId: 42, id: [], name: { a: 1 }, spec: "x", username: null })],
    ["an array instead of an object", () => [1, 2, 3]],
    [
      "prototype keys",
      (env): unknown =>
        JSON.parse(`{"environmentId":"${env}","__proto__":{"admin":true},"constructor":{"prototype":{}}}`) as unknown,
    ],
    [
      "lone surrogates and a 200,000-character string",
      (env) => ({ environmentId: env, id: "\ud800", name: "\udfff".repeat(10) + "n".repeat(200_000) }),
    ],
    [
      "numbers beyond any range",
      (env) => ({ environmentId: env, id: "abc", expiresInDays: 1e308, timeoutSeconds: -1e308 }),
    ],
  ];
}

function statusOf(error: unknown): number {
  return error instanceof TRPCError ? getHTTPStatusCodeFromError(error) : 500;
}

const internalText = /prisma|invocation|constraint|postgres|relation "|SQLSTATE|at .+\.ts:\d+|stack/i;

describe.each([
  ["an administrator", () => admin],
  ["nobody (signed out)", () => null],
])("hostile input to every mutation, as %s", (_who, actorOf) => {
  it.each(mutations)("%s answers 4xx with a message for people, and is on the record", async (path) => {
    const problems: string[] = [];
    for (const [label, inputFor] of hostileInputs()) {
      await ensureEnvironment();
      const actor = actorOf();
      const before = await h.prisma.auditEvent.count({ where: { action: path } });
      let status = 200;
      let message = "";
      try {
        await callPath(
          h.caller(actor, { ip: actor ? "127.0.0.1" : `198.51.100.${mutations.indexOf(path) % 250}` }),
          path,
          inputFor(environmentId),
        );
      } catch (error) {
        status = statusOf(error);
        message = error instanceof Error ? error.message : String(error);
      }
      await h.services.audit.flushRefusals();
      const after = await h.prisma.auditEvent.count({ where: { action: path } });
      if (status >= 500) problems.push(`${label}: HTTP ${status} ${message.slice(0, 200)}`);
      if (internalText.test(message)) problems.push(`${label}: internal text in the answer: ${message.slice(0, 200)}`);
      if (after <= before) problems.push(`${label}: not on the audit trail`);
    }
    expect(problems).toEqual([]);
  });
});

describe("database errors", () => {
  it("a name that is taken is a CONFLICT naming the field, not the database's words", async () => {
    const api = h.caller(admin);
    await api.teams.create({ name: "taken-team" });
    const other = await api.teams.create({ name: "free-team" });
    const error = await api.teams.update({ id: other.id, name: "taken-team" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("CONFLICT");
    expect((error as TRPCError).message).toBe("name is taken: choose another.");
    const event = await h.prisma.auditEvent.findFirstOrThrow({
      where: { action: "teams.update", targetId: other.id },
      orderBy: { chainSeq: "desc" },
    });
    expect(event).toMatchObject({ outcome: "error", error: "name is taken: choose another." });
  });
});
