// A workload form's values: text as typed, one row object per list entry (react-hook-form's
// field arrays give them their keys). The section components read and write these through
// the form context; components/containers/create/form-model.ts turns them into a container
// spec and back.
import type { ContainerSpecInput } from "@/server/workloads/container-spec";
import type { LimitValues } from "./limits";

export interface EnvRow {
  name: string;
  value: string;
  /** the value stays on the server, taken from the source container at create */
  fromSource: boolean;
}
export interface LabelRow {
  key: string;
  value: string;
}
export interface PortRow {
  hostIp: string;
  hostPort: string;
  containerPort: string;
  protocol: "tcp" | "udp" | "sctp";
}
export interface VolumeRow {
  source: string;
  target: string;
  readOnly: boolean;
}
export interface TmpfsRow {
  target: string;
  sizeMb: string;
}
export interface NetworkRow {
  name: string;
  aliases: string;
}
export interface BindRow {
  source: string;
  target: string;
  readOnly: boolean;
}
export interface DeviceRow {
  pathOnHost: string;
  pathInContainer: string;
  cgroupPermissions: string;
}
export interface SysctlRow {
  key: string;
  value: string;
}

export const NAMESPACE_MODES = ["networkMode", "pidMode", "ipcMode", "utsMode", "usernsMode", "cgroupnsMode"] as const;

export interface HostAccessValues {
  privileged: boolean;
  capAdd: string;
  devices: DeviceRow[];
  networkMode: string;
  pidMode: string;
  ipcMode: string;
  utsMode: string;
  usernsMode: string;
  cgroupnsMode: string;
  securityOpt: string;
  sysctls: SysctlRow[];
  runtime: string;
  bindMounts: BindRow[];
  volumesFrom: string;
  /** what a duplicated container has that this form does not edit (binds, device requests, raw) */
  carried: Pick<NonNullable<ContainerSpecInput["hostAccess"]>, "binds" | "deviceRequests" | "raw">;
}

export interface HealthValues {
  mode: "image" | "custom" | "none";
  command: string;
  intervalSeconds: string;
  timeoutSeconds: string;
  retries: string;
  startPeriodSeconds: string;
}

export interface ContainerFormValues extends LimitValues {
  environmentId: string;
  image: string;
  name: string;
  start: boolean;
  command: string;
  entrypoint: string;
  user: string;
  workingDir: string;
  hostname: string;
  env: EnvRow[];
  labels: LabelRow[];
  ports: PortRow[];
  volumes: VolumeRow[];
  tmpfs: TmpfsRow[];
  networks: NetworkRow[];
  healthcheck: HealthValues;
  source?: { environmentId: string; containerId: string };
  hostAccess: HostAccessValues;
}

export const newRow = {
  env: (): EnvRow => ({ name: "", value: "", fromSource: false }),
  labels: (): LabelRow => ({ key: "", value: "" }),
  ports: (): PortRow => ({ hostIp: "", hostPort: "", containerPort: "", protocol: "tcp" }),
  volumes: (): VolumeRow => ({ source: "", target: "", readOnly: false }),
  tmpfs: (): TmpfsRow => ({ target: "", sizeMb: "64" }),
  networks: (): NetworkRow => ({ name: "", aliases: "" }),
  bindMounts: (): BindRow => ({ source: "", target: "", readOnly: false }),
  devices: (): DeviceRow => ({ pathOnHost: "", pathInContainer: "", cgroupPermissions: "rwm" }),
  sysctls: (): SysctlRow => ({ key: "", value: "" }),
};

export function emptyAccess(): HostAccessValues {
  return {
    privileged: false,
    capAdd: "",
    devices: [],
    networkMode: "",
    pidMode: "",
    ipcMode: "",
    utsMode: "",
    usernsMode: "",
    cgroupnsMode: "",
    securityOpt: "",
    sysctls: [],
    runtime: "",
    bindMounts: [],
    volumesFrom: "",
    carried: {},
  };
}

export function emptyForm(environmentId = ""): ContainerFormValues {
  return {
    environmentId,
    image: "",
    name: "",
    start: true,
    command: "",
    entrypoint: "",
    user: "",
    workingDir: "",
    hostname: "",
    env: [],
    labels: [],
    restartPolicy: { name: "no", maximumRetryCount: "" },
    ports: [],
    volumes: [],
    tmpfs: [],
    networks: [],
    resources: { memoryMb: "", cpus: "", pidsLimit: "" },
    healthcheck: {
      mode: "image",
      command: "",
      intervalSeconds: "",
      timeoutSeconds: "",
      retries: "",
      startPeriodSeconds: "",
    },
    hostAccess: emptyAccess(),
  };
}
