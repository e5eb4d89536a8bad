// The container list masks credentials in commands and labels (issue #11 item 9), through every
// door that shows them: the list over HTTP, a batched request, the live changes pushed to open
// pages, the live read when the picture is cold, and the list's own search and label filter,
// which run over what the server sent. For everyone, administrators included: whoever may see
// secrets reads them in the container's detail, as in its processes and an image made from it.
// A real engine runs the container; the calls go over real HTTP with API tokens.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { matchesFilter, matchesSearch } from "../../../components/containers/container-list-model";
import { MASKED } from "../../audit/mask";
import { fetchResources } from "../../docker/resources";
import { ApiClient } from "../../testing/api-client";
import { startApiServer, type ApiServer } from "../../testing/api-server";
import { openHarness, type Harness } from "../../testing/harness";
import { need } from "../../testing/testbed-env";
import { waitUntil } from "../../testing/wait-until";
import type { Actor } from "../../core/context";

const testbed = inject("testbed");
const socketPath = need(testbed, "TESTBED_STANDALONE_SOCKET");
const engine = new Docker({ socketPath, version: "v1.41" });
const TAG = `lm${process.pid % 1000}`;

const PASSWORD = "Pw-ListFlag-881";
const URL_PASSWORD = "pw-ListUrl-882";
const PAT = "ghp_h7G1tLi5tBv4lu3a1B2c3D4e5F6g7H8i9J0k";
const SECRETS = [PASSWORD, URL_PASSWORD, PAT.slice(4, 30)];
// Two commands, so the shell stays and its processes' command line (docker top) holds the words too.
const CMD = [
  "sh",
  "-c",
  "sleep 3600; exit 0",
  "app",
  `--password=${PASSWORD}`,
  `--upstream=postgres://app:${URL_PASSWORD}@db:5432/app`,
];
const LABELS = { "ci.value": PAT, "deploy.note": "db.internal.example.com", "stevedore.test": TAG };

let h: Harness;
let api: ApiServer;
let environmentId: string;
let containerId: string;
const clients: Record<"reader" | "admin", ApiClient> = {} as Record<"reader" | "admin", ApiClient>;

interface Row {
  id: string;
  environmentId: string;
  name: string;
  image: string;
  state: string;
  command: string;
  labels: Record<string, string>;
}

function expectMasked(what: string, value: unknown): void {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  for (const secret of SECRETS) expect(text, `${what} shows ${secret}`).not.toContain(secret);
}

async function tokenFor(actor: Actor): Promise<ApiClient> {
  const client = new ApiClient(api.origin);
  client.token = (await h.caller(actor).tokens.create({ name: `${TAG}-t`, expiresInDays: 1 })).token;
  return client;
}

async function cleanUp() {
  const left = await engine.listContainers({ all: true, filters: { label: [`stevedore.test=${TAG}`] } });
  await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
  await engine
    .getImage(`${TAG}-committed:latest`)
    .remove({ force: true })
    .catch(() => undefined);
}

/** The live changes for open pages, as one reader's text so far. */
async function openChanges(client: ApiClient) {
  const abort = new AbortController();
  const res = await fetch(`${api.origin}/api/trpc/fleet.changes`, {
    headers: { authorization: `Bearer ${client.token}`, accept: "text/event-stream" },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const stream = { text: "", close: () => abort.abort() };
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stream.text += decoder.decode(value, { stream: true });
    }
  })().catch(() => undefined);
  await waitUntil(() => Promise.resolve(stream.text.includes("connected") ? true : undefined), {
    ms: 60_000,
    what: "the stream to open",
  });
  return stream;
}

beforeAll(async () => {
  h = await openHarness();
  const admin = await h.actorFor((await h.makeUser([{ role: "Administrator" }], `${TAG}-admin`)).id);
  const reader = await h.actorFor((await h.makeUser([{ role: "Read-only" }], `${TAG}-reader`)).id);
  await cleanUp();
  environmentId = (
    await h.caller(admin).environments.create({ name: `${TAG}-standalone`, url: `unix://${socketPath}` })
  ).id;
  api = await startApiServer(h.services);
  clients.admin = await tokenFor(admin);
  clients.reader = await tokenFor(reader);
  await waitUntil(() => Promise.resolve(h.services.fleet.picture.isWarm(environmentId) ? true : undefined), {
    ms: 60_000,
    what: "the live picture",
  });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await cleanUp().catch(() => undefined);
  await h?.close();
}, 120_000);

describe("the container list never shows a credential in a command or a label", () => {
  it("list, batch, live changes, cold read, search and filter; detail reveals only to those allowed", async () => {
    const changes = await openChanges(clients.reader);
    const container = await engine.createContainer({
      Image: need(testbed, "TESTBED_FIXTURE_IMAGE"),
      name: `${TAG}-app`,
      Cmd: CMD,
      Labels: LABELS,
    });
    containerId = container.id;
    await container.start();
    // The engine has them as given: the masking is Stevedore's.
    const [raw] = await engine.listContainers({ all: true, filters: { id: [containerId] } });
    expect(raw!.Command).toContain(PASSWORD);
    expect(raw!.Labels["ci.value"]).toBe(PAT);

    for (const who of ["reader", "admin"] as const) {
      const row = await waitUntil(
        async () => {
          const list = await clients[who].query<{ items: Row[] }>("containers.list", {
            environmentIds: [environmentId],
          });
          return list.items.find((c) => c.id === containerId && c.state === "running");
        },
        { ms: 60_000, what: `the container in ${who}'s list` },
      );
      expectMasked(`containers.list as ${who}`, row);
      expect(row.command).toContain(`--password=${MASKED}`);
      expect(row.command).toContain("sleep 3600");
      expect(row.labels).toMatchObject({ ...LABELS, "ci.value": MASKED });
      // The page's search and label filter run over what was sent: a secret finds nothing.
      expect(matchesFilter("label", row as never, `ci.value=${PAT}`)).toBe(false);
      expect(matchesFilter("label", row as never, "deploy.note=db.internal.example.com")).toBe(true);
      expect(matchesSearch(row as never, PASSWORD.toLowerCase())).toBe(false);
    }

    // A batched request: the same answers.
    const input = encodeURIComponent(JSON.stringify({ 0: { environmentIds: [environmentId] }, 1: undefined }));
    const batch = await fetch(`${api.origin}/api/trpc/containers.list,containers.list?batch=1&input=${input}`, {
      headers: { authorization: `Bearer ${clients.reader.token}` },
    });
    expect(batch.status).toBe(200);
    const batchText = await batch.text();
    expect(batchText).toContain(containerId);
    expectMasked("a batched containers.list", batchText);

    // The changes pushed to an open page as the container appeared and started.
    await waitUntil(() => Promise.resolve(changes.text.includes(containerId) ? true : undefined), {
      ms: 60_000,
      what: "the container in the live changes",
    });
    changes.close();
    expectMasked("fleet.changes", changes.text);

    // Read live from the engine (as when the picture is cold): trimmed the same way.
    const live = await fetchResources(engine, "containers", [containerId]);
    expect(live).toHaveLength(1);
    expectMasked("a live read", live);

    // The detail masks for the reader (a secret-named flag's value too) and reveals to whoever may see secrets.
    const detail = await clients.reader.query<{ command: string[]; labels: Record<string, string> }>("containers.get", {
      environmentId,
      id: containerId,
    });
    expectMasked("containers.get as reader", detail);
    expect(detail.command).toContain(`--password=${MASKED}`);
    const full = await clients.admin.query<{ command: string[] }>("containers.get", { environmentId, id: containerId });
    expect(full.command).toEqual(CMD);
    // So do its processes' command lines.
    type Top = { titles: string[]; processes: string[][] };
    const top = await clients.reader.query<Top>("containers.top", { environmentId, id: containerId });
    expect(JSON.stringify(top)).toContain(`--password=${MASKED}`);
    expectMasked("containers.top as reader", top);
    const adminTop = await clients.admin.query<Top>("containers.top", { environmentId, id: containerId });
    expect(JSON.stringify(adminTop)).toContain(PASSWORD);
  });

  it("an image made from it: its history (build commands), command, labels and the images list", async () => {
    const imageRef = `${TAG}-committed:latest`;
    await engine.getContainer(containerId).commit({
      repo: `${TAG}-committed`,
      tag: "latest",
      changes: [`ENV DB_PASSWORD=${PASSWORD}`, `LABEL ci.value=${PAT}`, `CMD ["app", "--password=${PASSWORD}"]`],
    });
    const detail = await clients.reader.query<{ history: { createdBy: string }[]; config: { cmd: string[] } }>(
      "images.get",
      { environmentId, image: imageRef },
    );
    expectMasked("images.get as reader", detail);
    expect(detail.config.cmd).toEqual(["app", `--password=${MASKED}`]);
    const full = await clients.admin.query<{ config: { cmd: string[] } }>("images.get", {
      environmentId,
      image: imageRef,
    });
    expect(full.config.cmd).toEqual(["app", `--password=${PASSWORD}`]);
    const listed = await waitUntil(
      async () => {
        const list = await clients.reader.query<{ items: { tags: string[] }[] }>("images.list", {
          environmentIds: [environmentId],
        });
        return list.items.find((i) => i.tags.includes(imageRef));
      },
      { ms: 60_000, what: "the image in the list" },
    );
    expectMasked("images.list", listed);
  });
});
