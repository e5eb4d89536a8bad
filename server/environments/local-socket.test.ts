import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localSocketState } from "./local-socket";

describe("the local socket offer", () => {
  let dir: string;
  let server: net.Server;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "stevedore-local-socket-"));
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, "docker.sock"), resolve));
    await writeFile(path.join(dir, "plain-file"), "not a socket");
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("offers a socket this process may use", async () => {
    expect(await localSocketState(path.join(dir, "docker.sock"))).toBe("available");
  });

  it("says why it offers nothing", async () => {
    expect(await localSocketState(path.join(dir, "missing.sock"))).toBe("missing");
    expect(await localSocketState(path.join(dir, "plain-file"))).toBe("not-a-socket");
  });
});
