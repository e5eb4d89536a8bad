// What the stacks API takes, shared with the deploy form so it can say so before sending: the
// compose file and each file it names at most STACK_FILE_MAX_CHARS characters, and the whole
// call at most STACK_REQUEST_MAX_BYTES on the wire (the API's body limit, the same for every
// call: a larger body is refused by the transport with 413 before it is read).

export const STACK_FILE_MAX_CHARS = 512 * 1024;
/** the API's JSON body limit (server/http's MAX_BODY_BYTES; a test holds them equal) */
export const STACK_REQUEST_MAX_BYTES = 1024 * 1024;

const kib = (bytes: number) => `${Math.ceil(bytes / 1024).toLocaleString("en")} KiB`;

/**
 * Why a stack's call (its JSON body, as it will be sent) is too large for the API, in words
 * that name the sizes and the limit; null when it is not.
 */
export function stackRequestTooLarge(
  body: { composeFile: string; files?: readonly { path: string; data: string }[] },
  sentBytes: number,
): string | null {
  if (body.composeFile.length > STACK_FILE_MAX_CHARS)
    return `The compose file is ${kib(body.composeFile.length)}; the limit is ${kib(STACK_FILE_MAX_CHARS)}.`;
  for (const file of body.files ?? []) {
    if (file.data.length > STACK_FILE_MAX_CHARS)
      return `${file.path} is ${kib(file.data.length)}; the limit for a file is ${kib(STACK_FILE_MAX_CHARS)}.`;
  }
  if (sentBytes > STACK_REQUEST_MAX_BYTES)
    return `The compose file with its files and variables comes to ${kib(sentBytes)} to send; at most ${kib(STACK_REQUEST_MAX_BYTES)} (1 MiB) is taken in one deploy. Make the files smaller, or make large configs apart (Configs page) and name them external.`;
  return null;
}

/** The bytes a JSON body takes on the wire (UTF-8). */
export function jsonBytes(body: unknown): number {
  return new TextEncoder().encode(JSON.stringify(body)).byteLength;
}
