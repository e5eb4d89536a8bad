// The service form's values to the API's spec and back, without a browser.
import { describe, expect, it } from "vitest";
import { emptyServiceForm, formPathOfViolation, fromServiceSpec, toServiceSpec } from "./form-model";

describe("the service form model", () => {
  it("turns the form into the spec the API takes, every section included", () => {
    const values = {
      ...emptyServiceForm(),
      name: "web",
      image: "busybox:latest",
      replicas: "3",
      command: "sh -c 'echo hi; sleep 3600'",
      env: [{ name: "MODE", value: "a=b", fromSource: false }],
      labels: [{ key: "tier", value: "web" }],
      ports: [{ hostPort: "8080", containerPort: "80", protocol: "tcp" as const, publishMode: "host" as const }],
      volumes: [{ source: "data", target: "/data", readOnly: true }],
      tmpfs: [{ target: "/tmp", sizeMb: "64" }],
      networks: [{ name: "backend", aliases: "api, web" }],
      placement: {
        constraints: "node.role==worker\nnode.labels.zone==a",
        preferences: "node.labels.zone",
        maxReplicas: "2",
      },
      resources: { limitCpus: "0.5", limitMemoryMb: "64", limitPids: "", reserveCpus: "", reserveMemoryMb: "16" },
      restart: { condition: "on-failure" as const, delaySeconds: "5", maxAttempts: "3", windowSeconds: "" },
      update: {
        ...emptyServiceForm().update,
        parallelism: "1",
        failureAction: "rollback" as const,
        monitorSeconds: "15",
      },
      healthcheck: {
        mode: "custom" as const,
        command: "wget -q localhost",
        intervalSeconds: "1",
        timeoutSeconds: "",
        retries: "2",
        startPeriodSeconds: "",
      },
    };
    const { spec, issues } = toServiceSpec(values);
    expect(issues).toEqual([]);
    expect(spec).toMatchObject({
      name: "web",
      mode: { kind: "replicated", replicas: 3 },
      command: ["sh", "-c", "echo hi; sleep 3600"],
      env: [{ name: "MODE", value: "a=b" }],
      labels: { tier: "web" },
      ports: [{ containerPort: 80, hostPort: 8080, publishMode: "host", protocol: "tcp" }],
      volumes: [{ source: "data", target: "/data", readOnly: true }],
      tmpfs: [{ target: "/tmp", sizeBytes: 64 * 1024 * 1024 }],
      networks: [{ name: "backend", aliases: ["api", "web"] }],
      placement: {
        constraints: ["node.role==worker", "node.labels.zone==a"],
        preferences: ["node.labels.zone"],
        maxReplicas: 2,
      },
      resources: {
        limits: { cpus: 0.5, memoryBytes: 64 * 1024 * 1024 },
        reservations: { memoryBytes: 16 * 1024 * 1024 },
      },
      restartPolicy: { condition: "on-failure", delaySeconds: 5, maxAttempts: 3 },
      updateConfig: { parallelism: 1, failureAction: "rollback", monitorSeconds: 15 },
      healthcheck: { test: ["CMD-SHELL", "wget -q localhost"], intervalSeconds: 1, retries: 2 },
    });
    // And back: the update form shows what the service has.
    const again = toServiceSpec(fromServiceSpec(spec!));
    expect(again.spec).toEqual(spec);
  });

  it("puts each problem on its field", () => {
    const { spec, issues } = toServiceSpec({
      ...emptyServiceForm(),
      name: "bad name",
      image: "",
      replicas: "two",
      ports: [{ hostPort: "99999", containerPort: "", protocol: "tcp", publishMode: "ingress" }],
      command: "echo 'unclosed",
    });
    expect(spec).toBeUndefined();
    const paths = issues.map((i) => i.path);
    for (const path of ["name", "image", "replicas", "ports.0.containerPort", "command"]) expect(paths).toContain(path);
  });

  it("carries what the form does not edit through an update", () => {
    const values = fromServiceSpec({
      name: "web",
      image: "busybox",
      secrets: [{ name: "db_password" }],
      configs: [{ name: "app.conf", target: "/etc/app.conf" }],
      hostAccess: { capAdd: ["NET_ADMIN"] },
      healthcheck: { test: ["CMD", "true"] },
      endpointMode: "dnsrr",
    });
    const { spec } = toServiceSpec(values, false);
    expect(values.carried).not.toHaveProperty("secrets");
    expect(values.secrets).toEqual([{ name: "db_password", target: "", uid: "", gid: "", mode: "" }]);
    expect(spec).toMatchObject({
      secrets: [{ name: "db_password" }],
      configs: [{ name: "app.conf", target: "/etc/app.conf" }],
      hostAccess: { capAdd: ["NET_ADMIN"] },
      healthcheck: { test: ["CMD", "true"] },
      endpointMode: "dnsrr",
    });
  });

  it("names the form field a policy violation is about", () => {
    const values = {
      ...emptyServiceForm(),
      volumes: [{ source: "v", target: "/v", readOnly: false }],
      binds: [{ source: "/etc", target: "/etc", readOnly: true }],
    };
    expect(formPathOfViolation("TaskTemplate.ContainerSpec.Mounts[1]", values)).toBe("binds.0.source");
    expect(formPathOfViolation("TaskTemplate.ContainerSpec.Mounts[0]", values)).toBe("volumes.0.source");
    expect(formPathOfViolation("TaskTemplate.ContainerSpec.Configs[1]", values)).toBe("configs.1.name");
    expect(formPathOfViolation("TaskTemplate.ContainerSpec.Secrets[0].File.Mode", values)).toBe("secrets.0.name");
  });

  it("turns secret and config rows into the spec's files, octal modes as numbers, and back", () => {
    const values = {
      ...emptyServiceForm(),
      name: "web",
      image: "busybox",
      secrets: [
        { name: " db_password ", target: "db.pw", uid: "1000", gid: "", mode: "0400" },
        { name: "tls_key", target: "", uid: "", gid: "", mode: "" },
      ],
      configs: [{ name: "site.conf", target: "/etc/nginx/conf.d/site.conf", uid: "", gid: "101", mode: "644" }],
    };
    const { spec, issues } = toServiceSpec(values);
    expect(issues).toEqual([]);
    expect(spec?.secrets).toEqual([
      { name: "db_password", target: "db.pw", uid: "1000", mode: 0o400 },
      { name: "tls_key" },
    ]);
    expect(spec?.configs).toEqual([
      { name: "site.conf", target: "/etc/nginx/conf.d/site.conf", gid: "101", mode: 0o644 },
    ]);

    // An update edits them: the rows come back as typed (the mode as octal text), nothing carried.
    const back = fromServiceSpec(spec!);
    expect(back.secrets).toEqual([
      { name: "db_password", target: "db.pw", uid: "1000", gid: "", mode: "0400" },
      { name: "tls_key", target: "", uid: "", gid: "", mode: "" },
    ]);
    expect(back.configs).toEqual([
      { name: "site.conf", target: "/etc/nginx/conf.d/site.conf", uid: "", gid: "101", mode: "0644" },
    ]);
    expect(back.carried).toEqual({});
    expect(toServiceSpec({ ...back, secrets: back.secrets.slice(1) }).spec?.secrets).toEqual([{ name: "tls_key" }]);
  });

  it("puts a bad secret or config row's problem on its own field", () => {
    const row = { name: "ok", target: "", uid: "", gid: "", mode: "" };
    const values = {
      ...emptyServiceForm(),
      name: "web",
      image: "busybox",
      secrets: [row, { ...row, mode: "0800" }, { ...row, uid: "root" }],
      configs: [
        { ...row, name: "bad name!" },
        { ...row, mode: "rw-r--r--" },
        { ...row, mode: "0o440" },
      ],
    };
    const { spec, issues } = toServiceSpec(values);
    expect(spec).toBeUndefined();
    const at = (path: string) => issues.find((i) => i.path === path)?.message;
    expect(at("secrets.1.mode")).toMatch(/Octal.*0400/);
    expect(at("secrets.2.uid")).toBe("A numeric user id.");
    expect(at("configs.0.name")).toMatch(/secret or config name/);
    expect(at("configs.1.mode")).toMatch(/Octal/);
    expect(at("configs.2.mode")).toBeUndefined();
    expect(issues.map((i) => i.path).sort()).toEqual([
      "configs.0.name",
      "configs.1.mode",
      "secrets.1.mode",
      "secrets.2.uid",
    ]);
  });
});
