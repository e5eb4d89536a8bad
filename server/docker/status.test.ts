import { describe, expect, it } from "vitest";
import { degradedReasons, swarmFacts } from "./status";

describe("swarmFacts", () => {
  it("tells standalone, manager and worker apart from /info", () => {
    expect(swarmFacts({ Swarm: { LocalNodeState: "inactive" } }).role).toBe("standalone");
    expect(swarmFacts({}).role).toBe("standalone");
    expect(
      swarmFacts({ Swarm: { LocalNodeState: "active", ControlAvailable: true, Nodes: 3, Managers: 1, NodeID: "n" } }),
    ).toEqual({ role: "manager", nodeState: "active", nodeId: "n", nodes: 3, managers: 1 });
    expect(swarmFacts({ Swarm: { LocalNodeState: "active", ControlAvailable: false, Nodes: null } })).toEqual({
      role: "worker",
      nodeState: "active",
    });
  });
});

describe("degradedReasons", () => {
  it("names slowness, a troubled swarm node and a broken event stream", () => {
    const swarm = swarmFacts({ Swarm: { LocalNodeState: "error", Error: "raft lost quorum" } });
    expect(degradedReasons({ swarm, latencyMs: 2500, slowMs: 2000, eventsDisconnected: true })).toEqual([
      "Slow: the engine took 2500 ms to answer.",
      "Swarm node is error: raft lost quorum.",
      "The event stream is disconnected; lists are read live.",
    ]);
    expect(degradedReasons({ swarm: swarmFacts({}), latencyMs: 5, slowMs: 2000, eventsDisconnected: false })).toEqual(
      [],
    );
  });
});
