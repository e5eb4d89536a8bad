// The access matrix: every procedure of the root router declares what it needs, and an
// actor without it is refused (changing nothing) while one with exactly it gets through.
// A new procedure built without one of the builders of server/trpc/init.ts fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, callPath } from "../testing/calls";
import { isEnvironmentScoped } from "../rbac/catalogue";
import { openHarness, type Harness } from "../testing/harness";
import type { Meta } from "./init";
import { appRouter } from "./root";

/** Procedures anyone may call. Adding one here is a decision, not an accident. */
const PUBLIC = new Set(["system.health", "auth.setupStatus", "auth.setup", "auth.login", "auth.me"]);
/** Procedures any signed-in user may call: each acts on the caller's own account only. */
const SELF_SERVICE = new Set([
  "auth.logout",
  "auth.logoutEverywhere",
  "auth.sessions",
  "auth.revokeSession",
  "auth.changePassword",
  "auth.totpStart",
  "auth.totpConfirm",
  "auth.totpDisable",
  "tokens.list",
  "tokens.create",
  "tokens.revoke",
  "roles.catalogue",
]);

interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  meta: Meta | undefined;
}

const procedures: ProcedureInfo[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureInfo["type"]; meta?: Meta } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type, meta: procedure._def.meta }));

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

describe("access matrix", () => {
  it("finds the procedures", () => {
    expect(procedures.length).toBeGreaterThan(30);
  });

  it.each(procedures.map((p) => [p.path, p] as const))("%s declares its access", (_path, procedure) => {
    expect(procedure.meta?.access, `${procedure.path} was built without a procedure builder`).toBeDefined();
    const { kind } = procedure.meta!.access;
    expect(kind === "public", `${procedure.path}: public procedures are listed in PUBLIC`).toBe(
      PUBLIC.has(procedure.path),
    );
    expect(kind === "authenticated", `${procedure.path} needs a permission (or a place in SELF_SERVICE)`).toBe(
      SELF_SERVICE.has(procedure.path),
    );
  });

  const guarded = procedures.filter((p) => p.meta && p.meta.access.kind !== "public");

  it.each(guarded.map((p) => [p.path, p] as const))("%s refuses an anonymous caller", async (_path, procedure) => {
    const before = await h.snapshot();
    expect(await codeOf(callPath(h.caller(null), procedure.path, { environmentId: "x", id: "x" }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await h.snapshot()).toEqual(before);
  });

  const permissioned = guarded.filter((p) => p.meta!.access.kind === "permission");

  it.each(permissioned.map((p) => [p.path, p] as const))(
    "%s refuses a caller without its permission and admits one with it",
    async (_path, procedure) => {
      const access = procedure.meta!.access as Extract<Meta["access"], { kind: "permission" }>;
      const env = await h.makeEnvironment(`matrix-${procedure.path}`);
      const other = await h.makeEnvironment(`matrix-other-${procedure.path}`);
      const input = { environmentId: env.id, id: "does-not-exist" };

      // Everything except this permission, everywhere.
      const { allPermissions } = await import("../rbac/catalogue");
      const allBut = await h.makeRole(allPermissions.filter((p) => p !== access.permission));
      const without = await h.makeUser([{ role: allBut.name }]);
      const before = await h.snapshot();
      expect(await codeOf(callPath(h.caller(await h.actorFor(without.id)), procedure.path, input))).toBe("FORBIDDEN");
      expect(await h.snapshot()).toEqual(before);
      // …and the refusal is on the record.
      const denied = await h.prisma.auditEvent.findFirst({
        where: { actorUserId: without.id, action: procedure.path },
      });
      expect(denied).toMatchObject({ outcome: "denied", permission: access.permission });

      const only = await h.makeRole([access.permission]);
      const scoped = isEnvironmentScoped(access.permission) && !access.everywhere;
      if (scoped) {
        // Held on another environment only: refused here, without revealing anything.
        const elsewhere = await h.makeUser([{ role: only.name, environmentId: other.id }]);
        const snap = await h.snapshot();
        expect(await codeOf(callPath(h.caller(await h.actorFor(elsewhere.id)), procedure.path, input))).toBe(
          "FORBIDDEN",
        );
        expect(await h.snapshot()).toEqual(snap);
      }
      const withIt = await h.makeUser([{ role: only.name, environmentId: scoped ? env.id : null }]);
      const code = await codeOf(callPath(h.caller(await h.actorFor(withIt.id)), procedure.path, input));
      expect(["FORBIDDEN", "UNAUTHORIZED"]).not.toContain(code);
    },
  );

  const authenticatedOnly = guarded.filter((p) => p.meta!.access.kind === "authenticated");
  it.each(authenticatedOnly.map((p) => [p.path, p] as const))(
    "%s admits any signed-in user",
    async (_path, procedure) => {
      const user = await h.makeUser();
      const code = await codeOf(
        callPath(h.caller(await h.actorFor(user.id)), procedure.path, { id: "does-not-exist" }),
      );
      expect(["FORBIDDEN", "UNAUTHORIZED"]).not.toContain(code);
    },
  );
});
