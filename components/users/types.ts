import type { RouterOutputs } from "../api-types";

export type UserRow = RouterOutputs["users"]["list"][number];
