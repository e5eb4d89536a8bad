// Moved to server/workloads/policy (the workload spec kit's judge); this name stays for
// existing importers.
export * from "../workloads/policy/index";
