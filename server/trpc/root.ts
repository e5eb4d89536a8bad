import { auditRouter } from "../routers/audit";
import { authRouter } from "../routers/auth";
import { bindingsRouter } from "../routers/bindings";
import { containersRouter } from "../routers/containers";
import { environmentsRouter } from "../routers/environments";
import { fleetRouter } from "../routers/fleet";
import { nodesRouter, servicesRouter, swarmRouter, tasksRouter } from "../modules/swarm/index";
import { networksRouter } from "../modules/networks/index";
import { volumesRouter } from "../modules/volumes/index";
import { imagesRouter } from "../modules/images/index";
import { registriesRouter } from "../modules/registries/index";
import { rolesRouter } from "../routers/roles";
import { stacksRouter } from "../modules/stacks/router";
import { configsRouter, secretsRouter } from "../modules/secrets/index";
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
  registries: registriesRouter,
  volumes: volumesRouter,
  networks: networksRouter,
  nodes: nodesRouter,
  services: servicesRouter,
  tasks: tasksRouter,
  stacks: stacksRouter,
  secrets: secretsRouter,
  configs: configsRouter,
  swarm: swarmRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
