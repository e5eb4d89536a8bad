// Database errors in words a caller may see. Prisma's messages quote the query, the code
// location and Postgres' own text: useful in the server's log, never in an answer. This maps
// them to what happened (a name already taken, a row that is gone) and nothing more; every
// other database failure is "internal", logged where it is caught and answered generically.
import { NameTakenError } from "../core/errors";
import { Prisma } from "../generated/prisma/client";

export type DatabaseProblem =
  | { kind: "conflict"; fields: string[]; message: string }
  | { kind: "not-found"; message: string }
  | { kind: "invalid"; message: string }
  | { kind: "unavailable"; message: string }
  | { kind: "internal"; message: string };

interface AdapterCause {
  originalCode?: string;
  code?: string;
  kind?: string;
  constraint?: { index?: string; fields?: string[] };
}

function adapterCause(meta: Record<string, unknown> | undefined): AdapterCause | undefined {
  const adapter = meta?.driverAdapterError as { cause?: AdapterCause } | undefined;
  return adapter?.cause;
}

/** The fields of a unique constraint, from Prisma's meta or the index name (`Team_name_key`). */
function conflictFields(meta: Record<string, unknown> | undefined): string[] {
  const target = meta?.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === "string") return [target];
  const constraint = adapterCause(meta)?.constraint;
  if (constraint?.fields?.length) return constraint.fields.map((f) => f.replace(/^"|"$/g, ""));
  const index = constraint?.index;
  const model = typeof meta?.modelName === "string" ? meta.modelName : null;
  if (index) {
    const body = index.replace(/_key$/, "");
    const withoutModel = model && body.startsWith(`${model}_`) ? body.slice(model.length + 1) : body;
    return withoutModel.split("_").filter(Boolean);
  }
  return [];
}

export const INTERNAL_MESSAGE = "Something went wrong on the server; the details are in its log.";

/** What a database error means for the caller, or null when `error` is not one. */
export function describeDatabaseError(error: unknown): DatabaseProblem | null {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const meta = error.meta;
    const sqlState = adapterCause(meta)?.originalCode ?? adapterCause(meta)?.code ?? "";
    switch (error.code) {
      case "P2002": {
        const fields = conflictFields(meta);
        const what = fields.length ? fields.join(" and ") : "that value";
        return { kind: "conflict", fields, message: `${what} is taken: choose another.` };
      }
      case "P2025":
      case "P2001":
      case "P2018":
        return { kind: "not-found", message: "It does not exist (any more)." };
      case "P2003":
        return { kind: "invalid", message: "It refers to something that does not exist (any more)." };
      case "P2000":
        return { kind: "invalid", message: "A value is too long." };
      case "P2011":
      case "P2012":
        return { kind: "invalid", message: "A required value is missing." };
      case "P2024":
      case "P2028":
        return { kind: "unavailable", message: "The database is busy; try again in a moment." };
    }
    // Postgres' data exceptions (class 22: bad text, numbers out of range) come from input.
    if (sqlState.startsWith("22")) return { kind: "invalid", message: "A value cannot be stored as given." };
    return { kind: "internal", message: INTERNAL_MESSAGE };
  }
  if (error instanceof Prisma.PrismaClientValidationError)
    return { kind: "invalid", message: "A value has the wrong form." };
  if (
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    error instanceof Prisma.PrismaClientRustPanicError ||
    error instanceof Prisma.PrismaClientInitializationError
  ) {
    return { kind: "internal", message: INTERNAL_MESSAGE };
  }
  return null;
}

/**
 * The one mapping of a unique-constraint conflict to the domain: `work` creates or renames a
 * `what` called `name`; if the database says that name is taken, the caller hears so (a
 * NameTakenError, answered 409/CONFLICT), never a 500. Other failures pass through.
 */
export async function nameTaken<T>(
  what: string,
  name: string | undefined,
  work: () => Promise<T>,
  message?: string,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (name !== undefined && describeDatabaseError(error)?.kind === "conflict") {
      throw new NameTakenError(what, name, message);
    }
    throw error;
  }
}
