// ssh:// environments for real: the test bed's sshd sits in front of the standalone engine
// (`docker system dial-stdio` on the far side). Through the real server: adding one (tested, its
// host key pinned), listing, logs, a console and file transfer over SSH; a host whose key changed
// is refused with a message that says so; a wrong key or passphrase names itself.
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import Docker from "dockerode";
import { Terminal } from "@xterm/headless";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { parseHostKey } from "../docker/index";
import { ApiClient } from "../testing/api-client";
import { setupCodeOf, spawnServer, type RunningServer } from "../testing/spawn-server";
import { dataDirWithDatabase } from "../testing/embedded-template";
import { need } from "../testing/testbed-env";
import { waitUntil } from "../testing/wait-until";

const testbed = inject("testbed");
const engine = new Docker({ socketPath: need(testbed, "TESTBED_STANDALONE_SOCKET"), version: "v1.41" });
const sshUrl = need(testbed, "TESTBED_SSH_URL");
const key = (name: string) => readFileSync(need(testbed, name), "utf8");
const hostKey = parseHostKey(key("TESTBED_SSH_HOST_KEY"))!;

let server: RunningServer;
let dataDir: string;
let admin: ApiClient;
let container: Docker.Container;
let environmentId: string;

interface EnvironmentView {
  id: string;
  ssh: { key: boolean; hostKey: { type: string; fingerprint: string } | null };
  status: { state: string; lastError?: { cause?: string; message: string }; engine?: { hostname: string } } | null;
}

const environment = (id: string) => admin.query<EnvironmentView>("environments.get", { environmentId: id });

beforeAll(async () => {
  dataDir = await dataDirWithDatabase("stevedore-ssh-");
  server = await spawnServer({ STEVEDORE_DATA_DIR: dataDir, DATABASE_URL: "" });
  admin = new ApiClient(server.url);
  await admin.mutate("auth.setup", {
    setupCode: await setupCodeOf(dataDir),
    username: "admin",
    password: "ssh test passphrase here",
  });
  admin.token = (await admin.mutate<{ token: string }>("tokens.create", { name: "ssh", expiresInDays: 1 })).token;
  container = await engine.createContainer({
    Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
    name: `ssh-${Date.now()}`,
    Cmd: ["sh", "-c", "echo hello-over-ssh; mkdir -p /srv && echo greeting-over-ssh > /srv/greeting.txt; sleep 600"],
    Labels: { "stevedore.test": "ssh" },
  });
  await container.start();
}, 180_000);

afterAll(async () => {
  await container?.remove({ force: true }).catch(() => undefined);
  await server?.stop("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

describe("ssh:// environments", () => {
  it("tests the connection, shows the host key, and pins it when the environment is added", async () => {
    const report = await admin.mutate<{ engine: { hostname: string }; hostKey: { fingerprint: string } }>(
      "environments.test",
      { url: sshUrl, ssh: { privateKey: key("TESTBED_SSH_KEY") } },
    );
    expect(report.engine.hostname).toBe("standalone");
    expect(report.hostKey.fingerprint).toBe(hostKey.fingerprint);

    const created = await admin.mutate<EnvironmentView>("environments.create", {
      name: "over-ssh",
      url: sshUrl,
      ssh: { privateKey: key("TESTBED_SSH_KEY") },
    });
    environmentId = created.id;
    expect(created.ssh).toEqual({ key: true, hostKey: { type: hostKey.type, fingerprint: hostKey.fingerprint } });
    const up = await waitUntil(
      async () => {
        const view = await environment(environmentId);
        return view.status?.state === "up" ? view : undefined;
      },
      { ms: 30_000, retryErrors: true, what: "the environment to be up" },
    );
    expect(up.status?.engine?.hostname).toBe("standalone");
  });

  it("lists the engine's containers over ssh", async () => {
    const listed = await waitUntil(
      async () => {
        const list = await admin.query<{ items: { id: string; name: string; state: string }[] }>("containers.list", {
          environmentIds: [environmentId],
        });
        return list.items.find((c) => c.id === container.id);
      },
      { ms: 30_000, retryErrors: true, what: "the container in the list" },
    );
    expect(listed.state).toBe("running");
  });

  it("reads a container's logs over ssh", async () => {
    const res = await fetch(
      `${server.url}/api/containers/logs/${environmentId}/${container.id}?stdout=1&stderr=1&tail=all`,
      { headers: { authorization: `Bearer ${admin.token}` } },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("hello-over-ssh");
  });

  it("opens a console over ssh", async () => {
    const qs = new URLSearchParams({ environmentId, containerId: container.id, cmd: "sh", cols: "80", rows: "24" });
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws/exec?${qs.toString()}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    // A terminal on this side answers the shell's queries, as xterm.js does in the browser.
    const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
    term.onData((reply) => socket.readyState === socket.OPEN && socket.send(Buffer.from(reply), { binary: true }));
    let output = "";
    const waiters = new Set<() => void>();
    socket.on("message", (data: Buffer, binary: boolean) => {
      if (!binary) return;
      output += data.toString("utf8");
      term.write(data);
      for (const wake of waiters) wake();
    });
    const sees = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${String(pattern)} in: ${JSON.stringify(output.slice(-300))}`)),
          20_000,
        );
        const check = () => {
          if (!pattern.test(output)) return;
          waiters.delete(check);
          clearTimeout(timer);
          // once the terminal here has answered what it was asked
          term.write("", () => resolve());
        };
        waiters.add(check);
        check();
      });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    // busybox draws its prompt, asks where the cursor is, then redraws it
    // eslint-disable-next-line no-control-regex -- the escapes are the point
    await sees(/[#$] (\x1b\[6n|\x1b\[J)?$/);
    socket.send(Buffer.from("echo $((6*7))-over-ssh\r"), { binary: true });
    await sees(/42-over-ssh/);
    socket.close();
  });

  it("downloads and uploads container files over ssh", async () => {
    const files = (query: Record<string, string>) =>
      `${server.url}/api/containers/files?${new URLSearchParams({ environmentId, containerId: container.id, ...query }).toString()}`;
    const auth = { authorization: `Bearer ${admin.token}` };
    const download = await fetch(files({ path: "/srv/greeting.txt" }), { headers: auth });
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("greeting-over-ssh\n");

    const upload = await fetch(files({ path: "/tmp", name: "sent-over-ssh.txt" }), {
      method: "PUT",
      headers: auth,
      body: "uploaded through an SSH channel\n",
    });
    expect(upload.status).toBeLessThan(300);
    const back = await fetch(files({ path: "/tmp/sent-over-ssh.txt" }), { headers: auth });
    expect(await back.text()).toBe("uploaded through an SSH channel\n");
  });

  it("refuses a host whose key is not the pinned one, and says so", async () => {
    // Another ed25519 key than the host's, pinned: as if the host had been replaced since.
    const other = parseHostKey(readFileSync(`${need(testbed, "TESTBED_SSH_UNKNOWN_KEY")}.pub`, "utf8"))!;
    await expect(
      admin.mutate("environments.test", {
        url: sshUrl,
        ssh: { privateKey: key("TESTBED_SSH_KEY"), hostKey: other.key },
      }),
    ).rejects.toThrow(/host key of root@.* has changed: .*pinned ED25519 SHA256:.* now shows ED25519 SHA256:/);

    const pinnedWrong = await admin.mutate<EnvironmentView>("environments.create", {
      name: "impostor",
      url: sshUrl,
      ssh: { privateKey: key("TESTBED_SSH_KEY"), hostKey: other.key },
      skipTest: true,
    });
    expect(pinnedWrong.ssh.hostKey?.fingerprint).toBe(other.fingerprint);
    const down = await waitUntil(
      async () => {
        const view = await environment(pinnedWrong.id);
        return view.status?.state === "down" ? view : undefined;
      },
      { ms: 30_000, retryErrors: true, what: "the impostor to be refused" },
    );
    expect(down.status?.lastError).toMatchObject({
      cause: "host-key",
      message: expect.stringMatching(/has changed/) as string,
    });
    await admin.mutate("environments.remove", { environmentId: pinnedWrong.id });
  });

  it("says which: a key the host does not accept, a missing passphrase, a wrong passphrase", async () => {
    const test = (ssh: { privateKey: string; passphrase?: string }) =>
      admin.mutate("environments.test", { url: sshUrl, ssh });
    await expect(test({ privateKey: key("TESTBED_SSH_UNKNOWN_KEY") })).rejects.toThrow(
      /refused the key \(authentication failed\)/,
    );
    await expect(test({ privateKey: key("TESTBED_SSH_ENCRYPTED_KEY") })).rejects.toThrow(
      /protected by a passphrase: give its passphrase/,
    );
    await expect(test({ privateKey: key("TESTBED_SSH_ENCRYPTED_KEY"), passphrase: "not it" })).rejects.toThrow(
      /passphrase does not open the private key/,
    );
    await expect(test({ privateKey: key("TESTBED_TLS_KEY") })).rejects.toThrow(/not one SSH can read/);
    await expect(test({ privateKey: key("TESTBED_SSH_HOST_KEY") })).rejects.toThrow(/That is a public key/);
    const ok = await test({
      privateKey: key("TESTBED_SSH_ENCRYPTED_KEY"),
      passphrase: need(testbed, "TESTBED_SSH_KEY_PASSPHRASE"),
    });
    expect(ok).toMatchObject({ engine: { hostname: "standalone" } });
  });

  it("pins, at its first connection, the key of an environment saved untested", async () => {
    const untested = await admin.mutate<EnvironmentView>("environments.create", {
      name: "untested-ssh",
      url: sshUrl,
      ssh: { privateKey: key("TESTBED_SSH_KEY") },
      skipTest: true,
    });
    expect(untested.ssh.hostKey).toBeNull();
    const pinned = await waitUntil(async () => (await environment(untested.id)).ssh.hostKey ?? undefined, {
      ms: 30_000,
      retryErrors: true,
      what: "a pinned key",
    });
    expect(pinned.fingerprint).toBe(hostKey.fingerprint);
    await admin.mutate("environments.remove", { environmentId: untested.id });
  });

  it("leaves no deprecation warning in the server's log (docker-modem's ssh:// URL parsing did)", () => {
    expect(server.output()).not.toMatch(/DeprecationWarning|DEP0170/);
  });
});
