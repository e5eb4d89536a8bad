// A compose file as the CLI's loader holds it after loading (cli/compose/types), trimmed to
// what `docker stack deploy` reads. Durations are nanoseconds, sizes bytes.

export interface FileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceVolume {
  type: string;
  source?: string;
  target?: string;
  readOnly?: boolean;
  consistency?: string;
  bind?: { propagation?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number };
}

export interface UpdateConfigFile {
  parallelism?: number;
  delay?: number;
  failureAction?: string;
  monitor?: number;
  maxFailureRatio?: number;
  order?: string;
}

export interface ServiceConfig {
  name: string;
  image: string;
  capAdd?: string[];
  capDrop?: string[];
  command?: string[];
  entrypoint?: string[];
  configs: FileReference[];
  secrets: FileReference[];
  deploy: {
    mode?: string;
    replicas?: number;
    labels?: Record<string, string>;
    updateConfig?: UpdateConfigFile;
    rollbackConfig?: UpdateConfigFile;
    resources: {
      limits?: { cpus?: string; memory?: number; pids?: number };
      reservations?: {
        cpus?: string;
        memory?: number;
        genericResources?: { discreteResourceSpec?: { kind: string; value: number } }[];
      };
    };
    restartPolicy?: { condition?: string; delay?: number; maxAttempts?: number; window?: number };
    placement: { constraints?: string[]; preferences?: { spread?: string }[]; maxReplicas?: number };
    endpointMode?: string;
  };
  dns?: string[];
  dnsSearch?: string[];
  environment: Record<string, string | null>;
  extraHosts: string[];
  hostname?: string;
  healthcheck?: {
    test?: string[];
    timeout?: number;
    interval?: number;
    retries?: number;
    startPeriod?: number;
    startInterval?: number;
    disable?: boolean;
  };
  init?: boolean;
  isolation?: string;
  labels?: Record<string, string>;
  logging?: { driver?: string; options?: Record<string, string> };
  /** null value: listed without settings */
  networks?: Record<string, { aliases?: string[]; driverOpts?: Record<string, string> } | null>;
  ports: { mode?: string; target?: number; published?: number; protocol?: string }[];
  readOnly?: boolean;
  restart?: string;
  stdinOpen?: boolean;
  stopGracePeriod?: number;
  stopSignal?: string;
  sysctls?: Record<string, string>;
  tty?: boolean;
  ulimits?: Record<string, { single?: number; soft?: number; hard?: number }>;
  user?: string;
  oomScoreAdj?: number;
  volumes: ServiceVolume[];
  workingDir?: string;
}

export interface ExternalFlag {
  external: boolean;
}

export interface NetworkConfig {
  name?: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  ipam?: { driver?: string; config?: { subnet?: string }[] };
  external: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
}

export interface VolumeConfig {
  name?: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  external: boolean;
  labels?: Record<string, string>;
}

export interface FileObjectConfig {
  name?: string;
  /** resolved path of `file:` */
  file?: string;
  /** its content, read while loading */
  data?: Uint8Array;
  external: boolean;
  labels?: Record<string, string>;
  templateDriver?: string;
}

export interface ComposeConfig {
  version: string;
  services: ServiceConfig[];
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
}
