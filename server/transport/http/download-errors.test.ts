import { describe, expect, it } from "vitest";
import {
  ContainerNotRunningError,
  DockerBusyError,
  DockerEngineError,
  DockerNotFoundError,
  DockerPausedError,
  DockerTimeoutError,
  DockerUnreachableError,
} from "../../docker/errors";
import { ForbiddenError, NotFoundError } from "../../core/errors";
import { INTERNAL_MESSAGE } from "../../database/errors";
import { classifyDownloadError } from "./download-errors";

describe("classifyDownloadError (container and volume downloads alike)", () => {
  it.each([
    [new DockerNotFoundError("e1", "No such container: web"), 404],
    [new DockerUnreachableError("e1", "refused", "The engine refused the connection."), 502],
    [new DockerTimeoutError("e1", "the archive", 10_000), 504],
    [new ContainerNotRunningError("e1", "exited", "read its files"), 409],
    [new DockerEngineError("e1", 400, "Could not find the file /nope in container web"), 400],
    [new DockerPausedError("e1"), 412],
    [new DockerBusyError("e1", "Too many streams are open on this engine; close one."), 429],
    [new NotFoundError("There is nothing at /x in the volume data."), 404],
  ])("%s: the one map's status, its own message, an error on the record", (error, status) => {
    expect(classifyDownloadError(error, false)).toEqual({
      status,
      message: error.message,
      completion: { outcome: "error", error: error.message },
      log: false,
    });
  });

  it("a refusal is recorded as denied", () => {
    const error = new ForbiddenError("Reading this volume's files needs volume.files.read.");
    expect(classifyDownloadError(error, false)).toMatchObject({
      status: 403,
      message: error.message,
      completion: { outcome: "denied" },
    });
  });

  it("an error nobody planned is a 500 without its text, which goes to the log and the record", () => {
    const error = new Error("ECONNRESET at Socket.onread (node:net:123)");
    expect(classifyDownloadError(error, false)).toEqual({
      status: 500,
      message: INTERNAL_MESSAGE,
      completion: { outcome: "error", error: `${error.message} (answered: ${INTERNAL_MESSAGE})` },
      log: true,
    });
  });

  it("a client that left: interrupted, and nothing for the log", () => {
    expect(classifyDownloadError(new Error("aborted"), true)).toMatchObject({
      completion: { outcome: "interrupted" },
      log: false,
    });
    expect(classifyDownloadError(new DockerTimeoutError("e1", "the archive"), true)).toMatchObject({
      status: 504,
      completion: { outcome: "interrupted" },
      log: false,
    });
  });
});
