// Policy rules for the host access section: every one of these escapes the container unless
// it is empty or a plain value, so each needs container.create.privileged; a device or another
// container's mounts that reach an engine's socket need container.create.docker-socket too.
import "server-only";
import { checkSocket } from "../policy/sockets";
import {
  describe,
  isEmpty,
  isRecord,
  isString,
  isStringList,
  needPrivileged,
  object,
  oneOf,
  plainWhen,
  stringList,
  absent,
  bool,
  type Rule,
  type Rules,
  type Walk,
} from "../policy/walk";

/** Host namespace modes: "" (the container's own) or a named safe value; host and container:<id> share the host's or another container's. */
function namespaceMode(what: string, ...safe: string[]): Rule {
  return plainWhen(oneOf("", ...safe), (v) =>
    isString(v) && v.startsWith("container:")
      ? `shares the ${what} namespace of another container (${v})`
      : v === "host"
        ? `shares the host's ${what} namespace`
        : `${what} namespace mode ${describe(v)} is not a plain one (${["", ...safe].map((s) => s || '""').join(", ")})`,
  );
}

function devices(value: unknown, field: string, walk: Walk) {
  if (isEmpty(value)) return;
  if (!Array.isArray(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  value.forEach((device, i) => {
    const at = `${field}[${i}]`;
    const host = isRecord(device) && isString(device.PathOnHost) ? device.PathOnHost : undefined;
    needPrivileged(walk, at, `gives the container the host device ${host ?? describe(device)}`);
    if (host) checkSocket(walk, at, host);
  });
}

function securityOpt(value: unknown, field: string, walk: Walk) {
  if (absent(value)) return;
  if (!isStringList(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  value.forEach((opt, i) => {
    // no-new-privileges only ever tightens; every other option (seccomp, apparmor, label,
    // systempaths=unconfined, …) can loosen the confinement.
    if (/^no-new-privileges(:true|=true)?$/.test(opt)) return;
    needPrivileged(
      walk,
      `${field}[${i}]`,
      `the security option ${describe(opt)} can relax the container's confinement`,
    );
  });
}

function volumesFrom(value: unknown, field: string, walk: Walk) {
  if (isEmpty(value)) return;
  if (!isStringList(value)) return needPrivileged(walk, field, `unexpected value ${describe(value)}`);
  value.forEach((ref, i) => {
    const at = `${field}[${i}]`;
    const container = ref.split(":")[0] ?? ref;
    needPrivileged(walk, at, `takes every mount of the container ${container}, host paths included`);
    for (const source of walk.facts.volumesFrom?.[container] ?? []) checkSocket(walk, at, source);
  });
}

const DEVICES = {
  Devices: devices,
  DeviceRequests: plainWhen(isEmpty, (v) => `requests host devices ${describe(v)}`),
  DeviceCgroupRules: plainWhen(isEmpty, (v) => `allows device access ${describe(v)}`),
} satisfies Rules;

const capabilities = (v: unknown) => `adds the capabilities ${describe(v)}`;
const sysctls = (v: unknown) => `sets kernel parameters ${describe(v)}`;
const isolation = plainWhen(oneOf("", "default"), (v) => `isolation ${describe(v)}`);

/** A swarm task's privileges: only the defaults (and no-new-privileges) are plain. */
const privileges = object({
  CredentialSpec: plainWhen(isEmpty, (v) => `a credential spec ${describe(v)}`),
  SELinuxContext: plainWhen(isEmpty, (v) => `an SELinux context ${describe(v)} can relax the confinement`),
  Seccomp: plainWhen(
    (v) => isRecord(v) && (v.Mode === "default" || v.Mode === "") && Object.keys(v).every((k) => k === "Mode"),
    (v) => `the seccomp setting ${describe(v)} can relax the confinement`,
  ),
  AppArmor: plainWhen(
    (v) => isRecord(v) && (v.Mode === "default" || v.Mode === "") && Object.keys(v).every((k) => k === "Mode"),
    (v) => `the AppArmor setting ${describe(v)} can relax the confinement`,
  ),
  NoNewPrivileges: bool,
});

export const hostAccessRules = {
  HostConfig: {
    Privileged: plainWhen(
      (v) => v === false,
      () => "privileged mode gives the container every device and capability of the host",
    ),
    CapAdd: plainWhen(isEmpty, capabilities),
    CapDrop: stringList,
    ...DEVICES,
    PidMode: namespaceMode("process (pid)"),
    IpcMode: namespaceMode("IPC", "private", "shareable", "none"),
    UTSMode: namespaceMode("UTS (host name)"),
    UsernsMode: namespaceMode("user"),
    CgroupnsMode: namespaceMode("cgroup", "private"),
    SecurityOpt: securityOpt,
    Sysctls: plainWhen(isEmpty, sysctls),
    Runtime: plainWhen(oneOf(""), (v) => `runs under the runtime ${describe(v)}`),
    Isolation: isolation,
    VolumesFrom: volumesFrom,
  },
  Update: DEVICES,
  ContainerSpec: {
    CapabilityAdd: plainWhen(isEmpty, capabilities),
    CapabilityDrop: stringList,
    Sysctls: plainWhen(isEmpty, sysctls),
    Privileges: privileges,
    Isolation: isolation,
  },
  TaskTemplate: {
    // A plugin task runs a managed plugin with the host privileges it asks for.
    Runtime: plainWhen(oneOf("", "container"), (v) => `a task of kind ${describe(v)} (only container is plain)`),
  },
} satisfies Record<string, Rules>;
