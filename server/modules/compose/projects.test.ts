import { describe, expect, it } from "vitest";
import { MASKED } from "../../audit/mask";
import { trimContainer } from "../../docker/resources";
import { composeLine, groupProjects } from "./projects";

describe("compose projects", () => {
  it("groups by environment and project as the engine has it, never a swarm task's container", () => {
    // What the live picture holds: the engine's list entry trimmed, its labels masked.
    const c = (environmentId: string, project: string, state: string, stack = false) => ({
      ...trimContainer({
        Id: `${environmentId}${project}${state}`,
        Names: ["/n"],
        State: state,
        Labels: {
          "com.docker.compose.project": project,
          "com.docker.compose.service": state,
          "com.docker.compose.project.working_dir": `/srv/${project}`,
          ...(stack ? { "com.docker.stack.namespace": project } : {}),
        },
      }),
      environmentId,
    });
    // A name the credential mask hits (a GitHub token's form): masked in the listed labels.
    const tokenLike = `ghp_${"a1b2c3d4e5".repeat(4).slice(0, 36)}`;
    const masked = c("e1", tokenLike, "running");
    expect(masked.labels["com.docker.compose.project"]).toBe(MASKED);
    const projects = groupProjects([
      c("e1", "shop", "running"),
      c("e1", "shop", "exited"),
      c("e2", "shop", "running"),
      c("e1", "s", "running", true),
      masked,
      c("e1", tokenLike, "exited"),
    ]);
    expect(projects.map((p) => [p.environmentId, p.name, p.state, `${p.running}/${p.total}`])).toEqual([
      ["e1", tokenLike, "partial", "1/2"],
      ["e1", "shop", "partial", "1/2"],
      ["e2", "shop", "running", "1/1"],
    ]);
    expect(projects[0]!.services).toEqual(["exited", "running"]);
    // what the mask hid stays hidden: the folder is named like the token
    expect(projects[0]!.workingDir).toBe(MASKED);
    expect(projects[1]!.workingDir).toBe("/srv/shop");
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
