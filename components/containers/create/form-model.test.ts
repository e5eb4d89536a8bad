import { describe, expect, it } from "vitest";
import { emptyForm, fromSpec, newRow, splitWords, toSpec, type ContainerFormValues } from "./form-model";

const form = (patch: Partial<ContainerFormValues>): ContainerFormValues => ({
  ...emptyForm("env"),
  image: "busybox",
  ...patch,
});
const errorsOf = (values: ContainerFormValues, hostAccess = false) =>
  Object.fromEntries(toSpec(values, { hostAccess }).issues.map((i) => [i.path, i.message]));

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
    const { spec, issues } = toSpec(
      form({
        command: "sleep 600",
        env: [{ ...newRow.env(), name: "A", value: "1" }, newRow.env()],
        ports: [{ ...newRow.ports(), hostPort: "8080", containerPort: "80" }, newRow.ports()],
        resources: { memoryMb: "64", cpus: "0.5", pidsLimit: "" },
        tmpfs: [{ ...newRow.tmpfs(), target: "/run", sizeMb: "1" }],
      }),
      { hostAccess: false },
    );
    expect(issues).toEqual([]);
    expect(spec).toMatchObject({
      command: ["sleep", "600"],
      env: [{ name: "A", value: "1" }],
      ports: [{ containerPort: 80, hostPort: 8080, protocol: "tcp" }],
      resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5 },
      tmpfs: [{ target: "/run", sizeBytes: 1024 * 1024 }],
    });
  });

  it("puts errors on the form field they belong to, blank rows before it notwithstanding", () => {
    const errors = errorsOf(
      form({
        ports: [newRow.ports(), { ...newRow.ports(), hostPort: "99999", containerPort: "80" }],
        volumes: [newRow.volumes(), { ...newRow.volumes(), source: "/etc", target: "x" }],
        env: [newRow.env(), { ...newRow.env(), name: "A", value: "1" }, { ...newRow.env(), name: "A", value: "2" }],
        labels: [{ key: "team", value: "x".repeat(5000) }],
        tmpfs: [newRow.tmpfs(), { target: "/t", sizeMb: "lots" }],
        resources: { memoryMb: "1", cpus: "", pidsLimit: "" },
        healthcheck: { ...emptyForm().healthcheck, mode: "custom" },
      }),
    );
    expect(errors).toEqual({
      "ports.1.hostPort": "Ports run from 1 to 65535.",
      "volumes.1.source": expect.stringMatching(/^A volume name/) as string,
      "volumes.1.target": "Use an absolute path (starting with /).",
      "env.2.name": "A is set twice.",
      "labels.0.value": "A label value has at most 4096 characters.",
      "tmpfs.1.sizeMb": "Enter a number.",
      "resources.memoryMb": "Docker needs at least 6 MB.",
      "healthcheck.command": "Give the command to run.",
    });
  });

  it("maps a server violation's spec field to the form's", () => {
    const { formPath } = toSpec(
      form({
        volumes: [newRow.volumes(), { ...newRow.volumes(), source: "v", target: "/v" }],
        tmpfs: [{ target: "/big", sizeMb: "100000000" }],
        hostAccess: { ...emptyForm().hostAccess, carried: { binds: ["/etc:/e"] } },
      }),
      { hostAccess: true },
    );
    expect(formPath("volumes.0")).toBe("volumes.1.source");
    expect(formPath("tmpfs.0.sizeBytes")).toBe("tmpfs.0.sizeMb");
    expect(formPath("hostAccess.binds.0")).toBe("hostAccess.carried");
    expect(formPath("hostAccess.capAdd")).toBe("hostAccess.capAdd");
  });

  it("ignores the host access section where it is not shown, unless a duplicate filled it", () => {
    const hostAccess = { ...emptyForm().hostAccess, privileged: true };
    expect(toSpec(form({ hostAccess }), { hostAccess: true }).spec?.hostAccess).toEqual({ privileged: true });
    // A duplicate's host access is still sent (and refused by the server) rather than dropped silently.
    expect(toSpec(form({ hostAccess }), { hostAccess: false }).spec?.hostAccess).toEqual({ privileged: true });
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
      labels: { team: "ops" },
      restartPolicy: { name: "on-failure" as const, maximumRetryCount: 3 },
      volumes: [{ source: "data", target: "/data", readOnly: true }],
      resources: { memoryBytes: 64 * 1024 * 1024 },
      healthcheck: { test: ["CMD-SHELL", "true"], intervalSeconds: 5 },
      hostAccess: {
        capAdd: ["NET_ADMIN"],
        bindMounts: [{ source: "/srv", target: "/srv", readOnly: false }],
        sysctls: { "net.core.somaxconn": "1024" },
      },
      start: true,
    };
    const values = fromSpec(spec, "env");
    expect(values.command).toBe("sh -c 'echo hi'");
    const back = toSpec(values, { hostAccess: true });
    expect(back.issues).toEqual([]);
    expect(back.spec).toMatchObject({ ...spec, ports: [], networks: [], tmpfs: [] });
  });
});
