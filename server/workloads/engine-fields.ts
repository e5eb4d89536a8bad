// The one respelling table: every Engine field name the kit knows, in its canonical spelling,
// for the container create and update bodies and the swarm ServiceSpec.
//
// The engine decodes JSON with Go's encoding/json, which matches a key to a field without
// regard to case, and with Unicode's simple case folding besides: `binds`, `BINDS` and `Bindſ`
// (long s) are all read as `Binds`, and `Kernel` with a Kelvin sign (U+212A) as `Kernel...`.
// So every key that comes in raw is respelt here before anything judges it, and the respelt
// payload is what is both judged and sent. The policy walker (server-only) also looks its
// rules up by the folded key, so a key no one respelt is still judged as the engine reads it;
// a test checks that every key the policy has a rule for is spelt as this table spells it.

/** Go's folding of a field name, as the engine matches keys: ASCII case, ſ -> s, K (Kelvin) -> k. */
export function foldEngineKey(key: string): string {
  let folded = "";
  for (const char of key) {
    if (char === "\u017f") folded += "s";
    else if (char === "\u212a") folded += "k";
    else folded += char >= "A" && char <= "Z" ? char.toLowerCase() : char;
  }
  return folded;
}

export const ENGINE_FIELD_NAMES = [
  // Container Config
  ...["Image", "Cmd", "Entrypoint", "Env", "Labels", "User", "WorkingDir", "Hostname", "Domainname"],
  ...["ExposedPorts", "Volumes", "Healthcheck", "Tty", "OpenStdin", "StdinOnce", "AttachStdin", "AttachStdout"],
  ...["AttachStderr", "NetworkDisabled", "StopSignal", "StopTimeout", "HostConfig", "NetworkingConfig"],
  ...["MacAddress", "OnBuild", "Shell", "ArgsEscaped"],
  // HostConfig
  ...["RestartPolicy", "AutoRemove", "PortBindings", "PublishAllPorts", "Memory", "MemoryReservation"],
  ...["MemorySwap", "MemorySwappiness", "NanoCpus", "CpuShares", "CpuPeriod", "CpuQuota", "CpusetCpus"],
  ...["CpusetMems", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpuCount", "CpuPercent", "PidsLimit"],
  ...["BlkioWeight", "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps"],
  ...["BlkioDeviceWriteIOps", "IOMaximumIOps", "IOMaximumBandwidth", "ShmSize", "ReadonlyRootfs", "Init"],
  ...["CapDrop", "ExtraHosts", "Dns", "DnsOptions", "DnsSearch", "Mounts", "Binds", "Tmpfs", "VolumeDriver"],
  ...["VolumesFrom", "NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode", "CgroupnsMode", "Cgroup"],
  ...["CgroupParent", "Privileged", "CapAdd", "Devices", "DeviceRequests", "DeviceCgroupRules", "SecurityOpt"],
  ...["Sysctls", "Runtime", "OomKillDisable", "OomScoreAdj", "Isolation", "Ulimits", "LogConfig", "GroupAdd"],
  ...["Links", "ContainerIDFile", "ConsoleSize", "KernelMemory", "KernelMemoryTCP", "MaskedPaths"],
  ...["ReadonlyPaths", "StorageOpt", "Annotations"],
  // Inside HostConfig and NetworkingConfig
  ...["Name", "MaximumRetryCount", "HostIp", "HostPort", "Type", "Source", "Target", "ReadOnly", "Consistency"],
  ...["BindOptions", "VolumeOptions", "TmpfsOptions", "DriverConfig", "Options", "SizeBytes", "Mode", "NoCopy"],
  ...["Propagation", "NonRecursive", "CreateMountpoint", "ReadOnlyNonRecursive", "ReadOnlyForceRecursive"],
  ...["PathOnHost", "PathInContainer", "CgroupPermissions", "Driver", "Count", "DeviceIDs", "Capabilities"],
  ...["Soft", "Hard", "Config", "Rate", "Path", "Weight", "Test", "Interval", "Timeout", "Retries"],
  ...["StartPeriod", "StartInterval", "EndpointsConfig", "Aliases", "IPAMConfig", "IPv4Address", "IPv6Address"],
  ...["LinkLocalIPs", "NetworkID", "EndpointID", "Gateway", "IPAddress", "DriverOpts"],
  // ServiceSpec
  ...["TaskTemplate", "ContainerSpec", "Resources", "Limits", "Reservations", "NanoCPUs", "MemoryBytes", "Pids"],
  ...["GenericResources", "Condition", "Delay", "MaxAttempts", "Window", "Placement", "Networks", "LogDriver"],
  ...["ForceUpdate", "PluginSpec", "NetworkAttachmentSpec", "EndpointSpec", "Ports", "Protocol", "TargetPort"],
  ...["PublishedPort", "PublishMode", "Replicated", "Replicas", "Global", "ReplicatedJob", "GlobalJob"],
  ...["MaxConcurrent", "TotalCompletions", "UpdateConfig", "RollbackConfig", "Parallelism", "FailureAction"],
  ...["Monitor", "MaxFailureRatio", "Order", "Args", "Dir", "Groups", "Privileges", "CredentialSpec"],
  ...["SELinuxContext", "Seccomp", "AppArmor", "NoNewPrivileges", "TTY", "StopGracePeriod", "HealthCheck"],
  ...["Hosts", "DNSConfig", "Nameservers", "Search", "Secrets", "Configs", "File", "SecretID", "SecretName"],
  ...["ConfigID", "ConfigName", "UID", "GID", "CapabilityAdd", "CapabilityDrop", "Constraints"],
  ...["Preferences", "MaxReplicas", "Platforms", "Spread", "SpreadDescriptor", "Architecture", "OS"],
  ...["Disable", "Role", "Level", "Profile", "Runtime", "NamedResourceSpec", "DiscreteResourceSpec"],
  ...["Kind", "Value", "Registry", "Command"],
] as const;

const CANONICAL = new Map<string, string>();
for (const name of ENGINE_FIELD_NAMES)
  if (!CANONICAL.has(foldEngineKey(name))) CANONICAL.set(foldEngineKey(name), name);

/** The canonical spelling of an Engine field name (`bindſ` -> `Binds`), or the key as it is. */
export function canonicalEngineKey(key: string): string {
  return CANONICAL.get(foldEngineKey(key)) ?? key;
}

/** Fields whose keys are data (label names, sysctl names, network names…), not field names. */
const MAP_FIELDS = new Set([
  "Labels",
  "Options",
  "DriverOpts",
  "Sysctls",
  "StorageOpt",
  "Tmpfs",
  "ExposedPorts",
  "Volumes",
  "PortBindings",
  "EndpointsConfig",
  "Annotations",
  "Config",
]);

/** `value` with every Engine field name in its canonical spelling (data keys left as they are). */
export function canonicalEngineKeys(value: unknown, keysAreData = false): unknown {
  if (Array.isArray(value)) return value.map((item) => canonicalEngineKeys(item));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    // Assigning it would set the copy's prototype instead; the engine has no such field.
    if (key === "__proto__") continue;
    const name = keysAreData ? key : canonicalEngineKey(key);
    out[name] = keysAreData ? canonicalEngineKeys(item) : canonicalEngineKeys(item, MAP_FIELDS.has(name));
  }
  return out;
}
