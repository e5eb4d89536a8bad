// Moved to server/workloads/container-spec.ts (each section reads its part of an inspect
// back); this name stays for existing importers.
export { specOf, type SpecOf, type ImageConfig } from "../workloads/container-spec";
