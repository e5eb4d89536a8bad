import { describe, expect, it } from "vitest";
import { composeLine, groupProjects } from "./projects";

describe("compose projects", () => {
  it("groups by environment and project label, never a swarm task's container", () => {
    const base = {
      names: [],
      image: "",
      imageId: "",
      command: "",
      status: "",
      created: 0,
      ports: [],
      networks: [],
      volumes: [],
    };
    const c = (environmentId: string, project: string, state: string, stack = false) => ({
      ...base,
      id: `${environmentId}${project}${state}`,
      name: "n",
      environmentId,
      state,
      labels: { "com.docker.compose.project": project, "com.docker.compose.service": state },
      ...(stack ? { stack: { namespace: project } } : {}),
    });
    const projects = groupProjects([
      c("e1", "shop", "running"),
      c("e1", "shop", "exited"),
      c("e2", "shop", "running"),
      c("e1", "s", "running", true),
    ]);
    expect(projects.map((p) => [p.environmentId, p.name, p.state, `${p.running}/${p.total}`])).toEqual([
      ["e1", "shop", "partial", "1/2"],
      ["e2", "shop", "running", "1/1"],
    ]);
  });

  it("says the compose command line, quoting what a shell needs", () => {
    expect(composeLine("prod east", "shop", "remove", { networks: true })).toBe(
      "docker --context 'prod east' compose -p shop down",
    );
    expect(composeLine("a", "shop", "remove", { networks: false, timeoutSeconds: 3 })).toBe(
      "docker --context a compose -p shop rm --stop --force",
    );
    expect(composeLine("a", "shop", "stop", { timeoutSeconds: 3 })).toBe(
      "docker --context a compose -p shop stop -t 3",
    );
  });
});
