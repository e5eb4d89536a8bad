import { auditRouter } from "../routers/audit";
import { authRouter } from "../routers/auth";
import { bindingsRouter } from "../routers/bindings";
import { containersRouter } from "../routers/containers";
import { environmentsRouter } from "../routers/environments";
import { fleetRouter } from "../routers/fleet";
import { imagesRouter, networksRouter, volumesRouter } from "../routers/resources";
import { nodesRouter, servicesRouter, swarmRouter, tasksRouter } from "../modules/swarm/index";
import { rolesRouter } from "../routers/roles";
import { settingsRouter } from "../routers/settings";
import { systemRouter } from "../routers/system";
import { teamsRouter } from "../routers/teams";
import { tokensRouter } from "../routers/tokens";
import { usersRouter } from "../routers/users";
import { createCallerFactory, createTRPCRouter } from "./init";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  auth: authRouter,
  users: usersRouter,
  teams: teamsRouter,
  roles: rolesRouter,
  bindings: bindingsRouter,
  tokens: tokensRouter,
  settings: settingsRouter,
  environments: environmentsRouter,
  audit: auditRouter,
  fleet: fleetRouter,
  containers: containersRouter,
  images: imagesRouter,
  volumes: volumesRouter,
  networks: networksRouter,
  nodes: nodesRouter,
  services: servicesRouter,
  tasks: tasksRouter,
  swarm: swarmRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
