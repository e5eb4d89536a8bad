// Who a rollout is put on the record for, when Stevedore actions on one service follow each
// other faster than the live picture hears of them. The picture's events are fed by hand here:
// the order in which a manager's picture reports two rollouts cannot be forced on a real engine
// (swarm.int.test.ts runs the same actions on the test bed's swarm).
import { describe, expect, it } from "vitest";
import type { AuditCompletion, AuditEntry } from "../../audit/writer";
import type { Fleet, PictureEvent, ServiceSummary } from "../../docker/index";
import { engineInstant, RolloutTracker, type Requester } from "./tracker";

const CLUSTER = "cluster-1";
const ENV = "env-manager";

function harness() {
  let listener: ((events: PictureEvent[]) => void) | undefined;
  const fleet = {
    statuses: () => [],
    status: (id: string) =>
      id === ENV ? { environmentId: ENV, swarm: { role: "manager", clusterId: CLUSTER } } : undefined,
    subscribe: (l: (events: PictureEvent[]) => void) => {
      listener = l;
      return () => (listener = undefined);
    },
    picture: { list: () => [] },
  } as unknown as Fleet;
  const records: Array<{ entry: AuditEntry; completion: AuditCompletion }> = [];
  const tracker = new RolloutTracker(fleet, {
    recordOnce: (entry, completion) => {
      records.push({ entry, completion });
      return Promise.resolve();
    },
  });
  tracker.start();
  const service = (state: string, startedAt: string, message = ""): void =>
    listener?.([
      {
        environmentId: ENV,
        kind: "services",
        type: "upsert",
        id: "svc1",
        item: {
          id: "svc1",
          name: "web",
          image: "busybox",
          mode: "replicated",
          ports: [],
          labels: {},
          version: 1,
          canRollback: true,
          createdAt: startedAt,
          updatedAt: startedAt,
          updateStatus: { state, message, startedAt, completedAt: startedAt },
        } satisfies ServiceSummary,
      },
    ]);
  /** each record as [its params' field, the actor] */
  const seen = (field: string) =>
    records.map((r): [unknown, string | null] => [
      (r.entry.params as Record<string, unknown> | undefined)?.[field],
      r.entry.actorUserId ?? null,
    ]);
  return { tracker, records, service, seen };
}

const person = (action: string): Requester => ({
  actorUserId: `user-${action}`,
  actorUsername: action,
  actorTokenId: null,
  ip: "127.0.0.1",
  userAgent: "test",
  action,
});

describe("the rollout tracker", () => {
  it("puts a rollback asked right after a redeploy on the record of whoever asked for it", async () => {
    const { tracker, service, seen } = harness();
    const redeploy = person("services.redeploy");
    const rollback = person("services.rollback");
    tracker.expect(CLUSTER, "svc1", redeploy, "2026-12-06T10:00:00.5Z");
    service("updating", "2026-12-06T10:00:01.000000001Z");
    // The rollback is asked before the picture hears that the redeploy converged.
    tracker.expect(CLUSTER, "svc1", rollback, "2026-12-06T10:00:01.000000001Z");
    service("completed", "2026-12-06T10:00:01.000000001Z");
    service("rollback_started", "2026-12-06T10:00:02.25Z", "manually requested rollback");
    service("rollback_completed", "2026-12-06T10:00:02.25Z", "rollback completed");
    await tracker.settled();
    expect(seen("state")).toEqual([
      ["completed", "user-services.redeploy"],
      ["rollback_completed", "user-services.rollback"],
    ]);
    expect(seen("startedBy").map(([by]) => by)).toEqual([
      "Stevedore (services.redeploy)",
      "Stevedore (services.rollback)",
    ]);
  });

  it("binds a rollout to its requester even when the picture first sees it ended", async () => {
    const { tracker, records, service } = harness();
    tracker.expect(CLUSTER, "svc1", person("services.rollback"), undefined);
    service("rollback_completed", "2026-12-06T10:00:02Z", "rollback completed");
    await tracker.settled();
    expect(records[0]?.entry.actorUserId).toBe("user-services.rollback");
  });

  it("leaves a rollout that started before the change, or after a withdrawn one, to nobody", async () => {
    const { tracker, service, seen } = harness();
    const who = person("services.update");
    tracker.expect(CLUSTER, "svc1", who, "2026-12-06T10:00:05Z");
    // The rollout the engine reported as its latest when the change was read: not the caller's.
    service("updating", "2026-12-06T10:00:05Z");
    service("completed", "2026-12-06T10:00:05Z");
    tracker.withdraw(CLUSTER, "svc1", who);
    service("updating", "2026-12-06T10:00:09Z");
    service("completed", "2026-12-06T10:00:09Z");
    await tracker.settled();
    expect(seen("startedAt")).toEqual([
      ["2026-12-06T10:00:05Z", null],
      ["2026-12-06T10:00:09Z", null],
    ]);
  });

  it("orders engine times to the nanosecond", () => {
    expect(engineInstant("2026-12-06T10:00:01.000000002Z")! > engineInstant("2026-12-06T10:00:01.000000001Z")!).toBe(
      true,
    );
    expect(engineInstant("2026-12-06T10:00:01.1Z")).toBe(engineInstant("2026-12-06T10:00:01.100Z"));
    expect(engineInstant("2026-12-06T12:00:01+02:00")).toBe(engineInstant("2026-12-06T10:00:01Z"));
    expect(engineInstant("yesterday")).toBeUndefined();
  });
});
