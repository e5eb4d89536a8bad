import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { errorCode, errorMessage, formErrors } from "./trpc-errors";

function serverError(message: string, code: string, zodError: unknown = null) {
  return TRPCClientError.from({ error: { message, code: -32600, data: { code, httpStatus: 400, zodError } } });
}

describe("formErrors", () => {
  it("passes the server's message through verbatim", () => {
    const error = serverError("Too many failed sign-ins: locked for 15 minute(s).", "TOO_MANY_REQUESTS");
    expect(formErrors(error, ["username"])).toEqual({
      alert: "Too many failed sign-ins: locked for 15 minute(s).",
      fields: {},
    });
    expect(errorCode(error)).toBe("TOO_MANY_REQUESTS");
  });

  it("puts zod's messages next to the fields shown, and the rest in the alert, never the raw dump", () => {
    const error = serverError('[{"code":"too_small"}]', "BAD_REQUEST", {
      formErrors: ["Give the role to a user or to a team (one of them)."],
      fieldErrors: { username: ["Use at least 2 characters."], id: ["An id is required."] },
    });
    expect(formErrors(error, ["username"])).toEqual({
      alert: "Give the role to a user or to a team (one of them). id: An id is required.",
      fields: { username: "Use at least 2 characters." },
    });
  });

  it("has nothing to say without an error", () => {
    expect(formErrors(null)).toEqual({ alert: null, fields: {} });
    expect(errorMessage(new Error("Failed to fetch"))).toBe("Failed to fetch");
  });
});
