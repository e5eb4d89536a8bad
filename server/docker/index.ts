// server/docker: the fleet of Docker engines. Plain descriptors in, plain data and typed errors out.
export {
  Fleet,
  type EnvironmentDiagnostics,
  type FanOutCall,
  type FanOutOptions,
  type FleetOptions,
  type StatusListener,
} from "./fleet";
export {
  EngineClient,
  STEVEDORE_API_VERSION,
  dockerOptionsFor,
  negotiateApiVersion,
  parseEndpoint,
  type CallOptions,
  type EngineCall,
  type Endpoint,
} from "./client";
export * from "./containers";
export * from "./create";
export * from "./exec";
export * from "./attach";
export * from "./logs";
export * from "./top";
export * from "./stats";
export * from "./files";
export { testConnection, type ConnectionReport } from "./connection-test";
export {
  DockerBusyError,
  DockerConflictError,
  DockerEngineError,
  DockerError,
  DockerNotFoundError,
  DockerPausedError,
  DockerTimeoutError,
  DockerUnreachableError,
  UnknownEnvironmentError,
  classifyDockerError,
  dockerErrorKind,
  type DockerErrorCode,
  type UnreachableCause,
} from "./errors";
export { Picture, type PictureChange, type PictureEvent, type PictureListener, type PictureStamp } from "./picture";
export { parseHostKey, type SshHostKey } from "./ssh";
export { LOCAL_KINDS, SWARM_KINDS } from "./resources";
export type {
  ContainerSummary,
  ImageSummary,
  NetworkSummary,
  NodeSummary,
  ResourceKind,
  ResourceKinds,
  ServiceSummary,
  TaskSummary,
  VolumeSummary,
} from "./resources";
export type * from "./types";
export type { RawEngineEvent, WatcherState, WatcherStats } from "./watcher";
export { EngineEventLog, type LoggedEngineEvent } from "./event-log";
