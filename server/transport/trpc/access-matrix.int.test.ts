// The access matrix: every procedure of the root router declares what it needs, and an
// actor without it is refused (changing nothing) while one with exactly it gets through.
// A new procedure built without one of the builders of server/transport/trpc/init.ts fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../auth/api-tokens";
import { codeOf, callPath } from "../../testing/calls";
import { isEnvironmentScoped } from "../../rbac/catalogue";
import { openHarness, type Harness } from "../../testing/harness";
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
      const { allPermissions } = await import("../../rbac/catalogue");
      const allBut = await h.makeRole(allPermissions.filter((p) => p !== access.permission));
      const without = await h.makeUser([{ role: allBut.name }]);
      const before = await h.snapshot();
      expect(await codeOf(callPath(h.caller(await h.actorFor(without.id)), procedure.path, input))).toBe("FORBIDDEN");
      expect(await h.snapshot()).toEqual(before);
      // …and the refusal is on the record (once the writer's queue has written it).
      await h.services.audit.flushRefusals();
      await h.services.audit.settled();
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

/**
 * Every door that takes access away from a user or a team, or acts on another account: one
 * rule decides (server/modules/access/guarded-change.ts). A manager of users and roles who does
 * not hold everything cannot strip an administrator through any of them, and the last enabled
 * Administrator survives every one of them.
 */
type Door = (world: World) => { path: string; input: unknown };
interface World {
  victim: { id: string; tokenId: string };
  adminTeamId: string;
  adminBindingId: string;
  teamBindingId: string;
  customRoleId: string;
}

const STRIPPING_DOORS: Record<string, Door> = {
  "bindings.remove": (w) => ({ path: "bindings.remove", input: { id: w.adminBindingId } }),
  "teams.removeMember": (w) => ({ path: "teams.removeMember", input: { teamId: w.adminTeamId, userId: w.victim.id } }),
  "teams.remove": (w) => ({ path: "teams.remove", input: { id: w.adminTeamId } }),
  "roles.update": (w) => ({ path: "roles.update", input: { id: w.customRoleId, permissions: ["container.read"] } }),
  "roles.remove": (w) => ({ path: "roles.remove", input: { id: w.customRoleId } }),
  "users.update": (w) => ({ path: "users.update", input: { id: w.victim.id, disabled: true } }),
  "users.remove": (w) => ({ path: "users.remove", input: { id: w.victim.id } }),
  "users.resetPassword": (w) => ({
    path: "users.resetPassword",
    input: { id: w.victim.id, password: "a brand new passphrase" },
  }),
  "users.resetTotp": (w) => ({ path: "users.resetTotp", input: { id: w.victim.id } }),
  "users.unlock": (w) => ({ path: "users.unlock", input: { id: w.victim.id } }),
  "tokens.revokeFor": (w) => ({ path: "tokens.revokeFor", input: { id: w.victim.tokenId } }),
};
/** Doors of the people routers that only give (each checked by the grant rule) or change nothing held. */
const GRANTING_DOORS = new Set([
  "users.create",
  "teams.create",
  "teams.update",
  "teams.addMember",
  "roles.create",
  "bindings.create",
]);

describe("doors that take access away", () => {
  const peopleMutations = procedures.filter(
    (p) =>
      p.type === "mutation" && /^(users|teams|roles|bindings)\./.test(p.path) && p.meta?.access.kind === "permission",
  );

  it("each people mutation is classified as stripping (guarded) or granting", () => {
    for (const p of peopleMutations) {
      expect(
        p.path in STRIPPING_DOORS || GRANTING_DOORS.has(p.path),
        `${p.path}: add it to STRIPPING_DOORS (and guard it) or GRANTING_DOORS`,
      ).toBe(true);
    }
    expect(procedures.some((p) => p.path === "tokens.revokeFor")).toBe(true);
  });

  let world: World;
  let manager: Awaited<ReturnType<Harness["actorFor"]>>;
  beforeAll(async () => {
    // Two administrators (so the last-administrator rule is not what refuses), one of them
    // also through a team; a custom role with container.exec bound to the victim.
    const victim = await h.makeUser([], "strip-victim");
    await h.makeUser([{ role: "Administrator" }], "strip-other-admin");
    const adminRole = await h.prisma.role.findUniqueOrThrow({ where: { name: "Administrator" } });
    const adminBinding = await h.prisma.roleBinding.create({
      data: { roleId: adminRole.id, userId: victim.id, environmentId: null },
    });
    const team = await h.prisma.team.create({ data: { name: "strip-admins" } });
    await h.prisma.teamMember.create({ data: { teamId: team.id, userId: victim.id } });
    const teamBinding = await h.prisma.roleBinding.create({
      data: { roleId: adminRole.id, teamId: team.id, environmentId: null },
    });
    const custom = await h.makeRole(["container.read", "container.exec"], "strip-deployers");
    await h.prisma.roleBinding.create({ data: { roleId: custom.id, userId: victim.id, environmentId: null } });
    const { row } = await createApiToken(h.prisma, victim.id, "victim-token", 1);
    world = {
      victim: { id: victim.id, tokenId: row.id },
      adminTeamId: team.id,
      adminBindingId: adminBinding.id,
      teamBindingId: teamBinding.id,
      customRoleId: custom.id,
    };
    // Manages users, teams, roles and bindings, reads everything, and holds nothing else.
    const managing = await h.makeRole(["user.manage", "role.manage", "audit.read", "container.read"]);
    manager = await h.actorFor((await h.makeUser([{ role: managing.name }], "strip-manager")).id);
  });

  it.each(Object.keys(STRIPPING_DOORS))("%s: a manager cannot strip someone who outranks them", async (name) => {
    const { path, input } = STRIPPING_DOORS[name]!(world);
    const before = await h.snapshot();
    expect(await codeOf(callPath(h.caller(manager), path, input))).toBe("FORBIDDEN");
    expect(await h.snapshot()).toEqual(before);
    const denied = await h.prisma.auditEvent.findFirst({
      where: { actorUserId: manager.userId, action: path, outcome: "denied" },
    });
    expect(denied, `${path}: the refusal is on the record`).not.toBeNull();
  });

  describe("the last enabled administrator", () => {
    /** Leaves exactly one enabled Administrator: `solo`, bound directly or through a team. */
    async function onlyAdministrator(through: "binding" | "team") {
      const adminRole = await h.prisma.role.findUniqueOrThrow({ where: { name: "Administrator" } });
      await h.prisma.roleBinding.deleteMany({ where: { roleId: adminRole.id } });
      const solo = await h.makeUser([]);
      // A disabled administrator does not count.
      await h.prisma.user.update({
        where: { id: (await h.makeUser([{ role: "Administrator" }])).id },
        data: { disabled: true },
      });
      let bindingId: string;
      let teamId: string | null = null;
      if (through === "binding") {
        bindingId = (
          await h.prisma.roleBinding.create({ data: { roleId: adminRole.id, userId: solo.id, environmentId: null } })
        ).id;
      } else {
        teamId = (await h.prisma.team.create({ data: { name: `solo-team-${Date.now()}` } })).id;
        await h.prisma.teamMember.create({ data: { teamId, userId: solo.id } });
        bindingId = (await h.prisma.roleBinding.create({ data: { roleId: adminRole.id, teamId, environmentId: null } }))
          .id;
      }
      // Holds every permission through a custom role, so outranking is not what refuses.
      const { allPermissions } = await import("../../rbac/catalogue");
      const everything = await h.makeRole([...allPermissions]);
      const helper = await h.actorFor((await h.makeUser([{ role: everything.name }])).id);
      return { solo, bindingId, teamId, helper, self: await h.actorFor(solo.id) };
    }

    async function refusedAsLast(actor: Awaited<ReturnType<Harness["actorFor"]>>, path: string, input: unknown) {
      const before = await h.snapshot();
      const code = await codeOf(callPath(h.caller(actor), path, input));
      expect(["CONFLICT", "BAD_REQUEST"], `${path} must refuse`).toContain(code);
      expect(await h.snapshot()).toEqual(before);
    }

    it("survives every door when bound directly", async () => {
      const w = await onlyAdministrator("binding");
      for (const actor of [w.helper, w.self]) {
        await refusedAsLast(actor, "bindings.remove", { id: w.bindingId });
        await refusedAsLast(actor, "users.update", { id: w.solo.id, disabled: true });
        await refusedAsLast(actor, "users.remove", { id: w.solo.id });
      }
      expect(await codeOf(callPath(h.caller(w.helper), "users.update", { id: w.solo.id, disabled: true }))).toBe(
        "CONFLICT",
      );
    });

    it("survives every door when an administrator through a team", async () => {
      const w = await onlyAdministrator("team");
      for (const actor of [w.helper, w.self]) {
        await refusedAsLast(actor, "bindings.remove", { id: w.bindingId });
        await refusedAsLast(actor, "teams.removeMember", { teamId: w.teamId, userId: w.solo.id });
        await refusedAsLast(actor, "teams.remove", { id: w.teamId });
        await refusedAsLast(actor, "users.update", { id: w.solo.id, disabled: true });
        await refusedAsLast(actor, "users.remove", { id: w.solo.id });
      }
    });

    it("two administrators removing each other at once: exactly one succeeds", async () => {
      const w = await onlyAdministrator("binding");
      const adminRole = await h.prisma.role.findUniqueOrThrow({ where: { name: "Administrator" } });
      const second = await h.makeUser([{ role: "Administrator" }]);
      const secondActor = await h.actorFor(second.id);
      const secondBinding = await h.prisma.roleBinding.findFirstOrThrow({
        where: { userId: second.id, roleId: adminRole.id },
      });
      const results = await Promise.allSettled([
        h.caller(w.self).bindings.remove({ id: secondBinding.id }),
        h.caller(secondActor).bindings.remove({ id: w.bindingId }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const { countAdministrators } = await import("../../modules/access/guarded-change");
      expect(await countAdministrators(h.prisma)).toBe(1);
    });
  });
});

describe("console recordings", () => {
  it("need their own permission: reading the audit trail is not enough", async () => {
    const auditor = await h.makeRole(["audit.read"]);
    const actor = await h.actorFor((await h.makeUser([{ role: auditor.name }])).id);
    const event = await h.prisma.auditEvent.create({
      data: { action: "console.exec", outcome: "ok", actorUsername: "someone" },
    });
    await h.prisma.consoleRecordingChunk.create({ data: { eventId: event.id, seq: 0, data: '{"version":2}' } });
    expect(await codeOf(h.caller(actor).audit.recording({ id: event.id }))).toBe("FORBIDDEN");
    const { builtinRoles } = await import("../../rbac/builtin-roles");
    expect(builtinRoles.filter((r) => r.permissions.includes("audit.recordings")).map((r) => r.name)).toEqual([
      "Administrator",
    ]);
    const replayer = await h.makeRole(["audit.recordings"]);
    const allowed = await h.actorFor((await h.makeUser([{ role: replayer.name }])).id);
    expect(await codeOf(h.caller(allowed).audit.recording({ id: event.id }))).not.toBe("FORBIDDEN");
  });
});
