// server/modules/swarm: swarm clusters (nodes, services, tasks, rollouts, logs). Transport-free
// domain logic and engine calls; the routers (*.router.ts) are thin wiring.
export {
  bindingScopeOf,
  canOnCluster,
  clusterAnswered,
  clusterOf,
  clusterOfManager,
  clusterById,
  findCluster,
  firstAnswers,
  swarmClusters,
  environmentOfNode,
  type Cluster,
  type ClusterMember,
} from "./cluster";
export {
  readFromManager,
  writeToManager,
  COMPOUND_HEDGE_MS,
  SWARM_DEADLINE_MS,
  SWARM_WRITE_DEADLINE_MS,
  type ManagerCall,
  type Served,
} from "./managers";
export { viewHolds, viewOf, type ClusterView } from "./view";
export { serviceFacts } from "./facts";
export { swarmRuntime, type SwarmRuntime } from "./runtime";
export * from "./errors";
export { nodesRouter } from "./nodes.router";
export { servicesRouter } from "./services.router";
export { swarmRouter, tasksRouter } from "./swarm.router";
