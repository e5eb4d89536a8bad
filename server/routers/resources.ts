import { createTRPCRouter } from "../trpc/init";
import { fleetListProcedure } from "./fleet-lists";

export const imagesRouter = createTRPCRouter({ list: fleetListProcedure("images", "image.read") });
export const volumesRouter = createTRPCRouter({ list: fleetListProcedure("volumes", "volume.read") });
export const networksRouter = createTRPCRouter({ list: fleetListProcedure("networks", "network.read") });
