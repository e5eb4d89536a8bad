import { describe, expect, it } from "vitest";
import { emptyForm, emptyRow, fromSpec, splitWords, toSpec, type FormState } from "./form-model";

const form = (patch: Partial<FormState>): FormState => ({ ...emptyForm("env"), image: "busybox", ...patch });

describe("splitWords", () => {
  it("splits as a shell does, without expanding anything", () => {
    expect(splitWords(`sh -c 'echo "$HOME" && sleep 1' a\\ b "x\\"y" ''`)).toEqual({
      words: ["sh", "-c", 'echo "$HOME" && sleep 1', "a b", 'x"y', ""],
    });
    expect(splitWords("  ")).toEqual({ words: [] });
    expect(splitWords("echo 'open")).toEqual({ error: "A single quote is not closed." });
  });
});

describe("toSpec", () => {
  it("leaves blank rows out and converts units", () => {
    const { spec, errors } = toSpec(
      form({
        command: "sleep 600",
        env: [{ ...emptyRow.env(), name: "A", value: "1" }, emptyRow.env()],
        ports: [{ ...emptyRow.ports(), hostPort: "8080", containerPort: "80" }, emptyRow.ports()],
        memoryMb: "64",
        cpus: "0.5",
        tmpfs: [{ ...emptyRow.tmpfs(), target: "/run", sizeMb: "1" }],
      }),
      { hostAccess: false },
    );
    expect(errors).toEqual({});
    expect(spec).toMatchObject({
      command: ["sleep", "600"],
      env: [{ name: "A", value: "1" }],
      ports: [{ containerPort: 80, hostPort: 8080, protocol: "tcp" }],
      resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5 },
      tmpfs: [{ target: "/run", sizeBytes: 1024 * 1024 }],
    });
  });

  it("puts errors on the row they belong to, blank rows before it notwithstanding", () => {
    const blank = emptyRow.ports();
    const bad = { ...emptyRow.ports(), hostPort: "99999", containerPort: "80" };
    const { spec, errors } = toSpec(
      form({ ports: [blank, bad], volumes: [{ ...emptyRow.volumes(), source: "/etc", target: "x" }] }),
      {
        hostAccess: false,
      },
    );
    expect(spec).toBeUndefined();
    expect(errors[`ports.${bad.id}.hostPort`]).toBe("Ports run from 1 to 65535.");
    const volume = Object.keys(errors).filter((k) => k.startsWith("volumes."));
    expect(volume).toHaveLength(2);
  });

  it("ignores the host access section where it is not shown, unless a duplicate filled it", () => {
    const access = { ...emptyForm().access, privileged: true };
    expect(toSpec(form({ access }), { hostAccess: true }).spec?.hostAccess).toEqual({ privileged: true });
    // A duplicate's host access is still sent (and refused by the server) rather than dropped silently.
    expect(toSpec(form({ access }), { hostAccess: false }).spec?.hostAccess).toEqual({ privileged: true });
  });
});

describe("fromSpec", () => {
  it("round-trips a duplicated spec, kept values included", () => {
    const spec = {
      image: "busybox",
      name: "web-copy",
      command: ["sh", "-c", "echo hi"],
      env: [
        { name: "DB_PASSWORD", fromSource: true as const },
        { name: "MODE", value: "prod" },
      ],
      source: { environmentId: "env", containerId: "abc" },
      restartPolicy: { name: "on-failure" as const, maximumRetryCount: 3 },
      volumes: [{ source: "data", target: "/data", readOnly: true }],
      resources: { memoryBytes: 64 * 1024 * 1024 },
      healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 5 },
      hostAccess: { capAdd: ["NET_ADMIN"], bindMounts: [{ source: "/srv", target: "/srv", readOnly: false }] },
      start: true,
    };
    const state = fromSpec(spec, "env");
    expect(state.command).toBe("sh -c 'echo hi'");
    const back = toSpec(state, { hostAccess: true });
    expect(back.errors).toEqual({});
    expect(back.spec).toMatchObject({ ...spec, labels: {}, ports: [], networks: [], tmpfs: [] });
  });
});
