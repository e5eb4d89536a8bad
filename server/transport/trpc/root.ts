import { auditRouter } from "../../modules/audit/router";
import { authRouter } from "../../modules/identity/auth.router";
import { bindingsRouter } from "../../modules/access/bindings.router";
import { diskRouter } from "../../modules/disk/index";
import { containersRouter } from "../../modules/containers/router";
import { eventsRouter } from "../../modules/events/index";
import { composeProjectsRouter } from "../../modules/compose/router";
import { environmentsRouter } from "../../modules/environments/router";
import { fleetRouter } from "../../modules/fleet/router";
import { nodesRouter, servicesRouter, swarmRouter, tasksRouter } from "../../modules/swarm/index";
import { networksRouter } from "../../modules/networks/index";
import { volumesRouter } from "../../modules/volumes/index";
import { imagesRouter } from "../../modules/images/index";
import { registriesRouter } from "../../modules/registries/index";
import { rolesRouter } from "../../modules/access/roles.router";
import { stacksRouter } from "../../modules/stacks/router";
import { configsRouter, secretsRouter } from "../../modules/secrets/index";
import { settingsRouter } from "../../modules/settings/router";
import { systemRouter } from "../../modules/system/router";
import { teamsRouter } from "../../modules/identity/teams.router";
import { tokensRouter } from "../../modules/identity/tokens.router";
import { usersRouter } from "../../modules/identity/users.router";
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
  disk: diskRouter,
  events: eventsRouter,
  composeProjects: composeProjectsRouter,
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
