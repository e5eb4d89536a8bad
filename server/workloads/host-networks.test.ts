// The host's networks by any spelling the engine resolves (full id, name, id prefix), from the
// facts the services door looks up on the swarm's managers; overlays stay plain.
import { describe, expect, it } from "vitest";
import { checkWorkload } from "./policy/index";
import { judgeServicePayload } from "./judge";

const facts = {
  hostNetworks: [
    { id: "q8gbpwqikf4lhhsdv7mlnev1q", name: "host" },
    { id: "3vvjtrqyo6tzibelwzjqcaraa", name: "bridge" },
    { id: "765ac1335aae83ff85b2672b11304cf0991db3683d6e690dd38e894d286c6b15", name: "host" },
  ],
};
const none = { privileged: false, dockerSocket: false };

function violationsFor(target: string, withFacts: object = facts) {
  const spec = { Name: "web", TaskTemplate: { ContainerSpec: { Image: "busybox" }, Networks: [{ Target: target }] } };
  return judgeServicePayload(spec, none, withFacts).violations.map((v) => v.message);
}

describe("a service's network", () => {
  it("is the host's by name, full id or id prefix, without regard to case", () => {
    for (const target of ["host", "HOST", "bridge", "q8gbpwqikf4lhhsdv7mlnev1q", "q8gb", "Q8GB", "3vvjtr", "765ac1"]) {
      expect(violationsFor(target), target).toEqual([expect.stringMatching(/^joins the host's (host|bridge) network/)]);
    }
  });

  it("is plain when it is none of them", () => {
    expect(violationsFor("app_backend")).toEqual([]);
    expect(violationsFor("x8gbp")).toEqual([]);
  });

  it("is refused when the host's networks could not be looked up", () => {
    expect(violationsFor("app_backend", { hostNetworks: null })).toEqual([
      expect.stringMatching(/could not be checked/),
    ]);
  });

  it("respells its keys as the engine reads them before judging", () => {
    const spec = { Name: "web", taskTemplate: { networks: [{ target: "q8gbp" }] } };
    expect(judgeServicePayload(spec, none, facts).violations).toHaveLength(1);
    expect(judgeServicePayload(spec, { privileged: true, dockerSocket: false }, facts).violations).toEqual([]);
  });
});

describe("a container's network", () => {
  const engine = {
    hostNetworks: [{ id: "765ac1335aae83ff85b2672b11304cf0991db3683d6e690dd38e894d286c6b15", name: "host" }],
  };
  const judged = (body: Record<string, unknown>, facts: object = engine) =>
    checkWorkload({ kind: "container.create", body }, none, facts).map((v) => `${v.field}: ${v.message}`);

  it("is the host's namespace by name, id or id prefix, as its mode or a network it joins", () => {
    for (const mode of ["host", "765ac1335aae", "765AC1"]) {
      expect(judged({ Image: "x", HostConfig: { NetworkMode: mode } }), mode).toEqual([
        expect.stringMatching(/^HostConfig\.NetworkMode: shares the host's network namespace/),
      ]);
    }
    expect(judged({ Image: "x", NetworkingConfig: { EndpointsConfig: { "765ac1": {} } } })).toEqual([
      expect.stringMatching(/^NetworkingConfig\.EndpointsConfig\.765ac1: shares the host's network namespace/),
    ]);
  });

  it("is another network when a network of that exact name exists: the engine finds names before id prefixes", () => {
    const named = { ...engine, networkNames: ["765ac1"] };
    expect(judged({ Image: "x", HostConfig: { NetworkMode: "765ac1" } }, named)).toEqual([]);
    expect(judged({ Image: "x", NetworkingConfig: { EndpointsConfig: { "765ac1": {} } } }, named)).toEqual([]);
    // Another prefix, the full id and the name host stay the host's.
    for (const mode of ["765ac13", engine.hostNetworks[0]!.id, "host"]) {
      expect(judged({ Image: "x", HostConfig: { NetworkMode: mode } }, named), mode).toHaveLength(1);
    }
  });

  it("is plain on the default bridge, none or a network of its own", () => {
    for (const mode of ["bridge", "default", "none", "app_net"]) {
      expect(judged({ Image: "x", HostConfig: { NetworkMode: mode } }), mode).toEqual([]);
    }
  });

  it("is refused when the engine could not be asked, unless it is a plain mode", () => {
    expect(judged({ Image: "x", HostConfig: { NetworkMode: "app_net" } }, { hostNetworks: null })).toHaveLength(1);
    expect(judged({ Image: "x", HostConfig: { NetworkMode: "bridge" } }, { hostNetworks: null })).toEqual([]);
  });
});
