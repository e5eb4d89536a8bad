import type { RouterOutputs } from "../api-types";

export type RoleRow = RouterOutputs["roles"]["list"][number];
