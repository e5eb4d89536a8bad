// Recreate and replace on the test bed's standalone engine: the new container takes the old
// one's name, network and volume; the old one goes only once the new one runs. A failed start
// or create puts the old one back (same id, name, running). The weakest roles are refused and
// nothing changes; a recreate cannot give a container more than its recreator may create.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { need } from "../../testing/testbed-env";
import { openHarness, type Harness } from "../../testing/harness";
import { codeOf } from "../../testing/calls";
import type { Actor } from "../../core/context";
import type { ContainerSpecInput } from "../../containers/spec";
import type { Fleet } from "../../docker/fleet";
import { swapContainer, SwapFailedError } from "./replace";

const testbed = inject("testbed");
const IMAGE = need(testbed, "TESTBED_FIXTURE_IMAGE");
const SOCKET = need(testbed, "TESTBED_STANDALONE_SOCKET");
const LABEL = "container-replace";
const docker = new Docker({ socketPath: SOCKET, version: "v1.41" });
const stamp = `${Date.now()}-${Math.floor(Math.random() * 1000)}`;
let serial = 0;
const unique = (what: string) => `rp-${what}-${stamp}-${++serial}`;
let h: Harness;
let admin: Actor;
let operator: Actor;
let helpdesk: Actor;
let createOnly: Actor;
let environmentId: string;
const network = unique("net");
const volume = unique("vol");
/**
 * Runs until stopped, and leaves at once on SIGTERM: a bare `sleep` as PID 1 ignores it, so
 * every stop a swap makes would wait out the engine's whole 10 s grace period.
 */
const SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"];

beforeAll(async () => {
  h = await openHarness();
  admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], "replace-admin")).id);
  operator = await h.actorFor((await h.makeUser([{ role: "Operator" }], "replace-operator")).id);
  helpdesk = await h.actorFor((await h.makeUser([{ role: "Helpdesk" }], "replace-helpdesk")).id);
  const role = await h.makeRole(["container.read", "container.create", "container.lifecycle"], unique("create-only"));
  createOnly = await h.actorFor((await h.makeUser([{ role: role.name }], "replace-create-only")).id);
  environmentId = (await h.caller(admin).environments.create({ name: "standalone", url: `unix://${SOCKET}` })).id;
  await docker.createNetwork({ Name: network, Labels: { "stevedore.test": LABEL } });
});

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`stevedore.test=${LABEL}`] } });
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
  await docker
    .getVolume(volume)
    .remove()
    .catch(() => undefined);
  await h?.close();
});

async function made(extra: Partial<ContainerSpecInput> = {}) {
  const spec: ContainerSpecInput = {
    image: IMAGE,
    name: unique("c"),
    command: SLEEPER,
    labels: { "stevedore.test": LABEL },
    env: [
      { name: "GREETING", value: "hello" },
      { name: "DB_PASSWORD", value: "s3cret-value-42" },
    ],
    networks: [{ name: network }],
    volumes: [{ source: volume, target: "/data" }],
    ...extra,
  };
  return h.caller(admin).containers.create({ environmentId, spec });
}

/** How a call failed: its code and message. */
async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as { code?: string }).code ?? "?", message: error instanceof Error ? error.message : "" };
  }
  throw new Error("expected the call to fail");
}

const inspect = (id: string) => docker.getContainer(id).inspect();
const gone = (id: string) =>
  inspect(id).then(
    () => false,
    () => true,
  );

describe("recreate", () => {
  it("makes the same container again under its name, keeps network, volume and secret values, says the pull failed", async () => {
    const old = await made();
    const result = await h.caller(operator).containers.recreate({ environmentId, id: old.id, pull: true });
    expect(result.name).toBe(old.name);
    expect(result.id).not.toBe(old.id);
    expect(await gone(old.id)).toBe(true);
    // No registry is reachable here: it went on with the host's image and says so.
    expect(result.pull).toMatchObject({ asked: true, ok: false });
    expect(result.pull.message).toMatch(/Pulling .* failed .*recreated with the image this host has/);
    const now = await inspect(result.id);
    expect(now.Name).toBe(`/${old.name}`);
    expect(now.State.Running).toBe(true);
    expect(Object.keys(now.NetworkSettings.Networks)).toContain(network);
    expect(now.Mounts.map((m) => [m.Name, m.Destination])).toContainEqual([volume, "/data"]);
    expect(now.Config.Env).toEqual(expect.arrayContaining(["GREETING=hello", "DB_PASSWORD=s3cret-value-42"]));
    // The docker lines it equals, on the record, with the secret as "$NAME", never its value.
    expect(result.cli[0]).toMatch(/^docker --context standalone pull /);
    expect(result.cli.some((l) => l.startsWith(`docker --context standalone stop ${old.name}`))).toBe(true);
    expect(result.cli.some((l) => l.includes("run -d") && l.includes(`--name ${old.name}`))).toBe(true);
    expect(result.cli.join("\n")).not.toContain("s3cret-value-42");
    const event = await h.prisma.auditEvent.findFirst({
      where: { action: "containers.recreate", targetName: old.name },
      orderBy: { time: "desc" },
    });
    expect(event).toMatchObject({ outcome: "ok", targetId: result.id });
    expect(JSON.stringify(event?.params)).toContain("rename");
    expect(JSON.stringify(event?.params)).not.toContain("s3cret-value-42");
  });

  it("never shows or records a credential: not a label's, not a command word's, not a typed variable's", async () => {
    // Review finding: the line came from the unmasked spec, so an Operator read what the lists
    // mask, and the record kept a typed DB_PASSWORD (a line is not split into KEY=VALUE pairs).
    const secrets = ["hunter2hunter2", "S3cretPw", "s3cret-value-42", "typed-secret-99"];
    const old = await made({
      command: ["sleep", "600", "--db", "postgres://app:S3cretPw@db/app"],
      labels: { "stevedore.test": LABEL, "traefik.http.middlewares.a.basicauth.users": "admin:hunter2hunter2" },
    });
    const recreated = await h.caller(operator).containers.recreate({ environmentId, id: old.id });
    const copy = await h.caller(admin).containers.specOf({ environmentId, id: recreated.id, purpose: "replace" });
    const env = (copy.spec.env ?? []).map((e) =>
      e.name === "DB_PASSWORD" ? { name: "DB_PASSWORD", value: "typed-secret-99" } : e,
    );
    const replaced = await h.caller(admin).containers.replace({
      environmentId,
      id: recreated.id,
      spec: { ...copy.spec, env, name: undefined },
    });
    expect((await inspect(replaced.id)).Config.Env).toContain("DB_PASSWORD=typed-secret-99");
    const events = await h.prisma.auditEvent.findMany({
      where: { action: { in: ["containers.recreate", "containers.replace"] }, targetName: old.name },
    });
    expect(events).toHaveLength(2);
    const shown = [...recreated.cli, ...replaced.cli, JSON.stringify(events.map((e) => e.params))].join("\n");
    expect(shown).toContain("run -d");
    for (const secret of secrets) expect(shown).not.toContain(secret);
  });

  it("is refused to Helpdesk and to a role that may create but not remove; nothing changes", async () => {
    const old = await made();
    expect(await codeOf(h.caller(helpdesk).containers.recreate({ environmentId, id: old.id }))).toBe("FORBIDDEN");
    const refused = await failure(h.caller(createOnly).containers.recreate({ environmentId, id: old.id }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toContain("container.delete");
    const still = await inspect(old.id);
    expect(still.Name).toBe(`/${old.name}`);
    expect(still.State.Running).toBe(true);
  });

  it("does not move secret values into another image for a role that may not read them", async () => {
    // Review finding: with image.pull one can tag another image under the container's
    // reference; a recreate then ran the container's secrets in it.
    const role = await h.makeRole(
      ["container.read", "container.create", "container.delete", "container.lifecycle", "image.pull"],
      unique("swapper"),
    );
    const swapper = await h.actorFor((await h.makeUser([{ role: role.name }], unique("replace-swapper"))).id);
    const repo = unique("replace-retag");
    await docker.getImage(IMAGE).tag({ repo, tag: "v1" });
    const old = await made({ image: `${repo}:v1` });
    try {
      // The same image under the reference: allowed, the values stay on the server.
      const same = await h.caller(swapper).containers.recreate({ environmentId, id: old.id });
      // Another image now under the reference: refused, nothing changed.
      await docker.getContainer(same.id).commit({ repo, tag: "v1" });
      const refused = await failure(h.caller(swapper).containers.recreate({ environmentId, id: same.id }));
      expect(refused.code).toBe("FORBIDDEN");
      expect(refused.message).toContain("DB_PASSWORD");
      expect(refused.message).toContain("container.inspect.secrets");
      expect((await inspect(same.id)).State.Running).toBe(true);
      // Whoever may read the values may recreate it there.
      const byAdmin = await h.caller(admin).containers.recreate({ environmentId, id: same.id });
      expect((await inspect(byAdmin.id)).Config.Env).toContain("DB_PASSWORD=s3cret-value-42");
      await docker.getContainer(byAdmin.id).remove({ force: true });
    } finally {
      await docker
        .getImage(`${repo}:v1`)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it("cannot give a container more than its recreator may create (an Operator and a bind mount of the host)", async () => {
    const old = await made({ hostAccess: { binds: ["/etc:/host-etc:ro"] } });
    const refused = await failure(h.caller(operator).containers.recreate({ environmentId, id: old.id }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toContain("container.create.privileged");
    expect((await inspect(old.id)).State.Running).toBe(true);
    // An administrator may, and the copy has the host's folder as the old one had.
    const result = await h.caller(admin).containers.recreate({ environmentId, id: old.id });
    expect((await inspect(result.id)).Mounts.map((m) => m.Destination)).toContain("/host-etc");
  });
});

describe("replace with an edited copy", () => {
  it("takes the form's spec under the old name, then removes the old one", async () => {
    const old = await made();
    const copy = await h.caller(operator).containers.specOf({ environmentId, id: old.id });
    const env = (copy.spec.env ?? []).map((e) => (e.name === "GREETING" ? { name: "GREETING", value: "bonjour" } : e));
    const result = await h.caller(operator).containers.replace({
      environmentId,
      id: old.id,
      spec: { ...copy.spec, env, name: undefined },
    });
    expect(result.name).toBe(old.name);
    expect(await gone(old.id)).toBe(true);
    const now = await inspect(result.id);
    expect(now.State.Running).toBe(true);
    // Edited, and the secret the Operator never saw is kept from the old container.
    expect(now.Config.Env).toEqual(expect.arrayContaining(["GREETING=bonjour", "DB_PASSWORD=s3cret-value-42"]));
    expect(Object.keys(now.NetworkSettings.Networks)).toContain(network);
  });

  it("keeps the published host ports a duplicate leaves out: the old one lets go of them first", async () => {
    const hostPort = 21_000 + (Date.now() % 8_000);
    const old = await made({ ports: [{ containerPort: 80, hostPort }] });
    const duplicate = await h.caller(admin).containers.specOf({ environmentId, id: old.id });
    expect(duplicate.spec.ports?.[0]?.hostPort).toBeUndefined();
    const copy = await h.caller(admin).containers.specOf({ environmentId, id: old.id, purpose: "replace" });
    expect(copy.spec.ports).toEqual([expect.objectContaining({ containerPort: 80, hostPort })]);
    const result = await h.caller(admin).containers.replace({
      environmentId,
      id: old.id,
      spec: { ...copy.spec, name: undefined },
    });
    const now = await inspect(result.id);
    expect(now.State.Running).toBe(true);
    const bindings = now.HostConfig.PortBindings as Record<string, { HostPort: string }[]> | undefined;
    expect(bindings?.["80/tcp"]?.[0]?.HostPort).toBe(String(hostPort));
    expect(await gone(old.id)).toBe(true);
  });

  it("rolls back when the new one will not start: it is removed, the old one is back, running, same id", async () => {
    const old = await made();
    const copy = await h.caller(admin).containers.specOf({ environmentId, id: old.id });
    const failed = await failure(
      h.caller(admin).containers.replace({
        environmentId,
        id: old.id,
        spec: { ...copy.spec, name: undefined, command: ["/no/such/program"] },
      }),
    );
    expect(failed.code).toBe("CONFLICT");
    expect(failed.message).toMatch(
      new RegExp(`${old.name} was not replaced: the new container would not start .*is back as it was \\(running\\)`),
    );
    const back = await inspect(old.id);
    expect(back.Name).toBe(`/${old.name}`);
    expect(back.State.Running).toBe(true);
    const named = await docker.listContainers({ all: true, filters: { name: [old.name] } });
    expect(named.map((c) => c.Id)).toEqual([old.id]);
    const event = await h.prisma.auditEvent.findFirst({
      where: { action: "containers.replace", targetName: old.name },
      orderBy: { time: "desc" },
    });
    expect(event?.outcome).toBe("error");
  });

  it("keeps a bare secret-named variable (no '=') as the form read it, in a replacement as in a recreate", async () => {
    // Review finding: the recreate router and keptValues each parsed Config.Env their own way;
    // a bare DB_PASSWORD read by the form as kept was "no longer there" for keptValues.
    const old = await docker.createContainer({
      Image: IMAGE,
      name: unique("bare"),
      Cmd: SLEEPER,
      Env: ["DB_PASSWORD", "GREETING=hi=there"],
      Labels: { "stevedore.test": LABEL },
    });
    await old.start();
    const copy = await h.caller(operator).containers.specOf({ environmentId, id: old.id, purpose: "replace" });
    expect(copy.spec.env).toContainEqual({ name: "DB_PASSWORD", fromSource: true });
    const replaced = await h.caller(operator).containers.replace({
      environmentId,
      id: old.id,
      spec: { ...copy.spec, name: undefined },
    });
    expect((await inspect(replaced.id)).Config.Env).toEqual(
      expect.arrayContaining(["DB_PASSWORD=", "GREETING=hi=there"]),
    );
    const recreated = await h.caller(admin).containers.recreate({ environmentId, id: replaced.id });
    expect((await inspect(recreated.id)).Config.Env).toEqual(
      expect.arrayContaining(["DB_PASSWORD=", "GREETING=hi=there"]),
    );
  });

  it("rolls back when the new one cannot be made (no such image), and refuses a new name", async () => {
    const old = await made();
    const copy = await h.caller(admin).containers.specOf({ environmentId, id: old.id });
    const failed = await failure(
      h.caller(admin).containers.replace({
        environmentId,
        id: old.id,
        spec: { ...copy.spec, name: undefined, image: "stevedore-fixture/no-such-image:never" },
      }),
    );
    expect(failed.message).toContain("could not be made");
    expect((await inspect(old.id)).Name).toBe(`/${old.name}`);
    expect((await inspect(old.id)).State.Running).toBe(true);
    expect(
      await codeOf(
        h
          .caller(admin)
          .containers.replace({ environmentId, id: old.id, spec: { ...copy.spec, name: unique("other") } }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(h.caller(helpdesk).containers.replace({ environmentId, id: old.id, spec: copy.spec }))).toBe(
      "FORBIDDEN",
    );
  });
});

/**
 * The real fleet, but the engine calls `refuse` picks (by name and how many of that name were
 * made so far, from 1) are refused: a real engine will not refuse a rename or a start on demand.
 */
function refusing(fleet: Fleet, refuse: (name: string, nth: number) => boolean): Fleet {
  const counts = new Map<string, number>();
  return new Proxy(fleet, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key !== "call") return typeof value === "function" ? (value as () => unknown).bind(target) : value;
      return (environment: string, name: string, ...rest: unknown[]) => {
        const nth = (counts.get(name) ?? 0) + 1;
        counts.set(name, nth);
        if (refuse(name, nth)) return Promise.reject(new Error(`injected: the engine refused the ${name}`));
        return (target.call as (...args: unknown[]) => Promise<unknown>).call(target, environment, name, ...rest);
      };
    },
  });
}

async function swapFailure(call: Promise<unknown>): Promise<SwapFailedError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwapFailedError);
  return error as SwapFailedError;
}

describe("a swap whose steps fail (engine refusals injected)", () => {
  it("starts the old one again when setting it aside fails, and says so; a failed start in the rollback is said too", async () => {
    // Review finding: a failed rename left the old container stopped, and nobody was told.
    const old = await made();
    const body = { Image: IMAGE, Cmd: SLEEPER, Labels: { "stevedore.test": LABEL } };
    const fleet = refusing(h.services.fleet, (name, nth) => name === "container rename" && nth === 1);
    const failed = await swapFailure(swapContainer(fleet, environmentId, { id: old.id, body, start: true }));
    expect(failed.restored).toBe(true);
    expect(failed.message).toMatch(
      new RegExp(
        `^${old.name} was not replaced: setting it aside as ${old.name}-old-[0-9a-f]{6} failed \\(injected: the engine refused the container rename\\)\\. Rolled back: ${old.name} is back as it was \\(running\\)\\.$`,
      ),
    );
    const back = await inspect(old.id);
    expect([back.Name, back.State.Running]).toEqual([`/${old.name}`, true]);
    const named = await docker.listContainers({ all: true, filters: { name: [old.name] } });
    expect(named.map((c) => c.Id)).toEqual([old.id]);

    // The start of the rollback refused too: said, with what to do, and not called restored.
    const worse = refusing(h.services.fleet, (name, nth) => nth === 1 && /^container (rename|start)$/.test(name));
    const half = await swapFailure(swapContainer(worse, environmentId, { id: old.id, body, start: true }));
    expect(half.restored).toBe(false);
    expect(half.message).toContain(
      "Rolling back failed in part: starting the old container again failed (injected: the engine refused the container start): start it by hand.",
    );
    expect((await inspect(old.id)).State.Running).toBe(false);
    await docker.getContainer(old.id).start();
  });

  it("when the new one cannot start and the old one cannot get its name back, it still runs the old one, and says where", async () => {
    const old = await made();
    const body = { Image: IMAGE, Cmd: ["/no/such/program"], Labels: { "stevedore.test": LABEL } };
    // The first rename (aside) goes through; the second (its name back) is refused.
    const secondRenameRefused = refusing(h.services.fleet, (name, nth) => name === "container rename" && nth === 2);
    const failed = await swapFailure(
      swapContainer(secondRenameRefused, environmentId, { id: old.id, body, start: true }),
    );
    expect(failed.restored).toBe(false);
    const aside = /giving (\S+) its name back failed/.exec(failed.message)?.[1];
    expect(aside).toMatch(new RegExp(`^${old.name}-old-[0-9a-f]{6}$`));
    expect(failed.message).toContain(`rename it to ${old.name} by hand`);
    expect(failed.message).toContain(
      `Otherwise the new container was removed, the old container runs again as ${aside}.`,
    );
    const back = await inspect(old.id);
    expect([back.Name, back.State.Running]).toEqual([`/${aside}`, true]);
    expect(await docker.listContainers({ all: true, filters: { name: [`^/${old.name}$`] } })).toEqual([]);
  });
});
