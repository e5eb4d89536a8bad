// Input pieces shared by routers, with messages a person can act on.
import { z } from "zod";

export const id = z.string().min(1, "An id is required.").max(64);
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "Use at least 2 characters.")
  .max(64, "Use at most 64 characters.")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "Use letters, digits, dot, dash and underscore, starting with a letter or digit.");
export const password = z.string().min(1, "Enter a password.").max(256, "Use at most 256 characters.");
export const displayName = z.string().trim().max(128).optional();
export const email = z
  .email("Enter an email address.")
  .max(254)
  .optional()
  .or(z.literal("").transform(() => undefined));
export const name = z.string().trim().min(1, "A name is required.").max(64, "Use at most 64 characters.");

/**
 * A container id or name, as the engine allows them. Never only "a string": dockerode puts it
 * in the request path unencoded, so `x/archive?path=/etc/shadow&` would be another call.
 */
export const ENGINE_REF = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
export const containerRef = z.string().trim().regex(ENGINE_REF, "Not a container id or name.");
