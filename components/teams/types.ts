import type { RouterOutputs } from "../api-types";

export type TeamRow = RouterOutputs["teams"]["list"][number];
