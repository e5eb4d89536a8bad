import { TRPCError } from "@trpc/server";

/** The TRPCError code a call ended with, or "OK". Any other error is rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

/** Calls a procedure of a caller by its dotted path ("users.create"). */
export function callPath(api: object, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], api);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}
