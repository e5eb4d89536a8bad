// Moved to server/workloads/container-spec.ts (composed from the kit's sections); this name
// stays for existing importers.
export * from "../workloads/container-spec";
