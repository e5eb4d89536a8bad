// The policy hook: every service spec passes the judge before anything is created; a refused
// stack creates nothing and the refusal names the service and the field. The judge here is a
// stub that refuses bind mounts (the real one is the workload policy); the engine is real. And
// what was judged is what is sent: a network reference the judge read as a network's name is
// sent as that network's id, never left for the engine to read again (as an id prefix).
import Docker from "dockerode";
import { describe, expect, inject, it } from "vitest";
import { need } from "@/server/testing/testbed-env";
import { deployStack, prepareStack, StackPolicyError, type EngineSpec, type StackJudge } from "./index";
import { waitUntil } from "../../testing/wait-until";

const docker = new Docker({ socketPath: need(inject("testbed"), "TESTBED_SWARM_MANAGER_SOCKET"), version: "v1.41" });

const refuseBindMounts: StackJudge = (spec) => {
  const mounts =
    (((spec.TaskTemplate as EngineSpec).ContainerSpec as EngineSpec).Mounts as EngineSpec[] | undefined) ?? [];
  return mounts.flatMap((m, i) =>
    m.Type === "bind"
      ? [{ field: `TaskTemplate.ContainerSpec.Mounts[${i}].Source`, message: "bind mounts need permission" }]
      : [],
  );
};

const FILE = `
services:
  fine:
    image: stevedore-fixture/busybox:latest
    command: sleep 3600
  sneaky:
    image: stevedore-fixture/busybox:latest
    command: sleep 3600
    volumes:
      - /etc:/host-etc:ro
secrets:
  token:
    file: ./token.txt
networks:
  extra: {}
`;

async function count(path: string, stack: string): Promise<number> {
  const filters = JSON.stringify({ label: [`com.docker.stack.namespace=${stack}`] });
  return new Promise((resolve, reject) =>
    docker.modem.dial(
      { path: `${path}?`, method: "GET", options: { _query: { filters } }, statusCodes: { 200: true } },
      (e, d) => (e ? reject(e) : resolve((d as unknown[]).length)),
    ),
  );
}

describe("stack policy hook", () => {
  it("refuses the stack before anything is created, naming service and field", async () => {
    const stack = "h7policy";
    const { plan } = await prepareStack(stack, {
      text: FILE,
      workingDir: "/stack",
      readFile: () => Promise.resolve("secret-data"),
    });
    const error = await deployStack(docker, plan, { judge: refuseBindMounts }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackPolicyError);
    const refusal = error as StackPolicyError;
    expect(refusal.violations).toEqual([
      expect.objectContaining({ service: "sneaky", field: "TaskTemplate.ContainerSpec.Mounts[0].Source" }),
    ]);
    expect(refusal.message).toContain("service sneaky: TaskTemplate.ContainerSpec.Mounts[0].Source");
    for (const path of ["/services", "/networks", "/secrets", "/configs"]) expect(await count(path, stack)).toBe(0);
  });

  it("passes the same stack when the judge finds nothing", async () => {
    const { plan } = await prepareStack("h7policy", { text: FILE, readFile: () => Promise.resolve("x") });
    const seen: string[] = [];
    await expect(
      Promise.resolve().then(() =>
        // judge only: stop before the engine by aborting right after judging
        deployStack(docker, plan, {
          judge: (_spec, { service }) => {
            seen.push(service);
            return [];
          },
          signal: AbortSignal.abort(),
        }),
      ),
    ).rejects.toThrow(/Stopped on request/);
    expect(seen).toEqual(["fine", "sneaky"]);
  });

  // Review finding: the judge reads which references are network names at one moment (the
  // swarm's facts); a reference that is a network's name then and, once that network is gone,
  // a prefix of the host network's id would reach the host if sent as written.
  it("sends the network the judge saw, by id: once it is gone, the reference does not become the host's", async () => {
    const stack = "h7netrace";
    const hostCopy = await new Promise<{ Id: string }>((resolve, reject) =>
      docker.modem.dial(
        { path: "/networks/host?", method: "GET", options: { _query: { scope: "swarm" } }, statusCodes: { 200: true } },
        (e, d) => (e ? reject(e) : resolve(d as { Id: string })),
      ),
    );
    const prefix = hostCopy.Id.slice(0, 12);
    const decoy = await docker.createNetwork({ Name: prefix, Driver: "overlay", CheckDuplicate: true });
    const { plan } = await prepareStack(stack, {
      text: `
services:
  web:
    image: stevedore-fixture/busybox:latest
    command: sleep 3600
    deploy:
      replicas: 0
    networks: [outside]
networks:
  outside:
    external: true
    name: "${prefix}"
`,
      readFile: () => Promise.reject(new Error("no files")),
    });
    // The judge passes it (the reference is a network's name as it judges), and while it judges
    // that network goes.
    const judge: StackJudge = async () => {
      await decoy.remove();
      return [];
    };
    try {
      await expect(deployStack(docker, plan, { judge })).rejects.toThrow(/network|not found/i);
      const services = await docker.listServices({ filters: { label: [`com.docker.stack.namespace=${stack}`] } });
      const targets = services.flatMap((svc) => (svc.Spec?.TaskTemplate?.Networks ?? []).map((n) => n.Target));
      expect(targets).not.toContain(hostCopy.Id);
      expect(targets).not.toContain(prefix);
      expect(services).toEqual([]);
    } finally {
      for (const svc of await docker.listServices({ filters: { label: [`com.docker.stack.namespace=${stack}`] } }))
        await docker.getService(svc.ID).remove();
      await decoy.remove().catch(() => undefined);
      await waitUntil(async () =>
        (await docker.listNetworks({ filters: { name: [prefix] } })).length ? undefined : true,
      );
    }
  });
});
