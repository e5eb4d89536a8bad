import { createTRPCRouter } from "../trpc/init";
import { fleetListProcedure } from "./fleet-lists";

export const nodesRouter = createTRPCRouter({ list: fleetListProcedure("nodes", "node.read") });
export const servicesRouter = createTRPCRouter({ list: fleetListProcedure("services", "service.read") });
export const tasksRouter = createTRPCRouter({ list: fleetListProcedure("tasks", "service.read") });
