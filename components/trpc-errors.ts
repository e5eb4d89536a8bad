import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/transport/trpc/root";

type ClientError = TRPCClientError<AppRouter>;

function asClientError(error: unknown): ClientError | null {
  return error instanceof TRPCClientError ? (error as ClientError) : null;
}

/** UNAUTHORIZED, FORBIDDEN, CONFLICT, ... or undefined for a network failure. */
export function errorCode(error: unknown): string | undefined {
  return asClientError(error)?.data?.code;
}

/**
 * Splits an error for a form: messages for the fields the form shows, and one message for
 * everything else (the server's words, verbatim). zod's raw message is a JSON dump of its
 * issues, so it is never shown as is.
 */
export function formErrors(
  error: unknown,
  shownFields: readonly string[] = [],
): { alert: string | null; fields: Record<string, string> } {
  if (!error) return { alert: null, fields: {} };
  const client = asClientError(error);
  const zod = client?.data?.zodError;
  if (!zod) {
    return { alert: error instanceof Error ? error.message : "Something went wrong.", fields: {} };
  }
  const fields: Record<string, string> = {};
  const rest: string[] = [...zod.formErrors];
  const fieldMessages: Record<string, string[] | undefined> = zod.fieldErrors;
  for (const [field, messages] of Object.entries(fieldMessages)) {
    const first = messages?.[0];
    if (!first) continue;
    if (shownFields.includes(field)) fields[field] = first;
    else rest.push(`${field}: ${first}`);
  }
  return { alert: rest.length ? rest.join(" ") : null, fields };
}

/** What a create made before a later step failed (a container that did not start), if anything. */
export function createdIdOf(error: unknown): string | null {
  return asClientError(error)?.data?.createdId ?? null;
}

export function errorMessage(error: unknown): string {
  const { alert, fields } = formErrors(error);
  return alert ?? Object.values(fields)[0] ?? "Something went wrong.";
}
