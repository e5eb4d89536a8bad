// The volumes and networks journey on the test bed's standalone engine: create a volume, see
// it used by a container that mounts it, browse its files, download one, upload another;
// create a network with its own subnet and connect a container to it with an alias and a
// fixed address. Each action shows its docker command line.
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile } from "./fixtures";
import { addStandaloneEnvironment, STANDALONE_SOCKET, startFixtureContainer } from "./testbed";

const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const docker = new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });
const stamp = Date.now().toString(36);
const envName = `resources-${stamp}`;
const volumeName = `e2e-vol-${stamp}`;
const networkName = `e2e-net-${stamp}`;
const octet = 16 + (Date.now() % 200);
let environment: Awaited<ReturnType<typeof addStandaloneEnvironment>>;
let mounter: Docker.Container | undefined;
let peer: Awaited<ReturnType<typeof startFixtureContainer>> | undefined;

test.beforeAll(async ({ browser }) => {
  const admin = await browser.newContext({ storageState: authFile("admin") });
  environment = await addStandaloneEnvironment(admin.request, envName);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  await mounter?.remove({ force: true }).catch(() => undefined);
  await peer?.remove().catch(() => undefined);
  await docker
    .getVolume(volumeName)
    .remove()
    .catch(() => undefined);
  for (const n of await docker.listNetworks({ filters: { name: [networkName] } })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  }
  const admin = await browser.newContext({ storageState: authFile("admin") });
  await environment?.remove(admin.request);
  await admin.close();
});

test("create a volume, see it mounted, browse, download and upload its files", async ({ page }) => {
  await page.goto("/volumes");
  await page.getByRole("button", { name: "Create volume" }).click();
  const create = page.getByRole("dialog", { name: "Create a volume" });
  await create.getByLabel("Environment").selectOption({ label: envName });
  await create.getByLabel("Name").fill(volumeName);
  await create.getByRole("button", { name: "Create volume" }).click();
  await expect(create).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: `Created ${volumeName} on ${envName}.` })).toBeVisible();
  await expect(page.getByTestId("cli")).toHaveText(`docker --context ${envName} volume create ${volumeName}`);

  // A container mounts it and writes a file there.
  mounter = await docker.createContainer({
    Image: FIXTURE_IMAGE,
    name: `e2e-vol-user-${stamp}`,
    Cmd: ["sh", "-c", `mkdir -p /data/notes && echo hello-${stamp} > /data/notes/hello.txt && sleep 3600`],
    Labels: { "stevedore.test": "e2e" },
    HostConfig: { Binds: [`${volumeName}:/data`], NetworkMode: "none" },
  });
  await mounter.start();

  await page.getByRole("searchbox", { name: "Search by name, stack or label" }).fill(volumeName);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${volumeName}`));
  const row = page.getByRole("row").filter({ hasText: volumeName }).filter({ hasText: envName });
  // (Other specs add the same test bed engine as environments of their own: the object shows
  // once per environment, so the row is the one of this spec's environment.)
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(envName);
  await expect(row).toContainText("local");
  await row.getByRole("button", { name: `Open ${volumeName}` }).click();

  const dialog = page.getByRole("dialog", { name: `Volume ${volumeName}` });
  await expect(dialog.getByTestId("volume-users")).toContainText(`e2e-vol-user-${stamp} (running)`);
  await dialog.getByRole("button", { name: "notes/" }).click();
  await expect(dialog.getByTestId("volume-path")).toHaveText("/notes");
  await expect(dialog.getByText("hello.txt")).toBeVisible();

  const download = page.waitForEvent("download");
  await dialog.getByRole("link", { name: "Download hello.txt" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("hello.txt");
  expect(await readFile(await file.path(), "utf8")).toBe(`hello-${stamp}\n`);

  await dialog.getByLabel("Upload a file").setInputFiles({
    name: "uploaded.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("from the browser\n"),
  });
  await expect(dialog.getByRole("status").filter({ hasText: "Uploaded /notes/uploaded.txt." })).toBeVisible();
  await expect(dialog.getByRole("link", { name: "Download uploaded.txt" })).toBeVisible();
  const exec = await mounter.exec({ Cmd: ["cat", "/data/notes/uploaded.txt"], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", resolve);
  });
  expect(Buffer.concat(chunks).toString("utf8")).toContain("from the browser");

  // Removing it while mounted is refused, naming the container.
  await dialog.getByRole("button", { name: "Close" }).click();
  await row.getByRole("button", { name: `Remove ${volumeName}` }).click();
  const confirm = page.getByRole("dialog", { name: `Remove ${volumeName}?` });
  await confirm.getByRole("button", { name: "Remove volume" }).click();
  await expect(confirm.getByRole("alert")).toContainText(`in use by container e2e-vol-user-${stamp}`);
  await confirm.getByRole("button", { name: "Cancel" }).click();
});

test("create a network with a subnet and connect a container with an alias and a fixed address", async ({ page }) => {
  peer = await startFixtureContainer(`e2e-net-peer-${stamp}`);
  await page.goto("/networks");
  await page.getByRole("button", { name: "Create network" }).click();
  const create = page.getByRole("dialog", { name: "Create a network" });
  await create.getByLabel("Environment").selectOption({ label: envName });
  await create.getByLabel("Name").fill(networkName);
  await create.getByLabel("Subnet").fill(`172.30.${octet}.0/24`);
  await create.getByLabel("Gateway").fill(`172.30.${octet}.1`);
  await create.getByRole("button", { name: "Create network" }).click();
  await expect(create).toBeHidden();
  await expect(page.getByTestId("cli")).toHaveText(
    `docker --context ${envName} network create --subnet 172.30.${octet}.0/24 --gateway 172.30.${octet}.1 ${networkName}`,
  );

  await page.getByRole("searchbox", { name: "Search by name, subnet or label" }).fill(networkName);
  const row = page.getByRole("row").filter({ hasText: networkName }).filter({ hasText: envName });
  // (Other specs add the same test bed engine as environments of their own: the object shows
  // once per environment, so the row is the one of this spec's environment.)
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`172.30.${octet}.0/24`);
  await row.getByRole("button", { name: `Open ${networkName}` }).click();

  const dialog = page.getByRole("dialog", { name: `Network ${networkName}` });
  await expect(dialog.getByText("No container is attached.")).toBeVisible();
  const connect = dialog.getByRole("form", { name: "Connect a container" });
  await connect.getByLabel("Container").fill(`e2e-net-peer-${stamp}`);
  await connect.getByLabel("Aliases").fill("db");
  await connect.getByLabel("Fixed IPv4 address").fill(`172.30.${octet}.20`);
  await connect.getByRole("button", { name: "Connect" }).click();
  await expect(dialog.getByTestId("cli")).toHaveText(
    `docker --context ${envName} network connect --alias db --ip 172.30.${octet}.20 ${networkName} e2e-net-peer-${stamp}`,
  );
  await expect(dialog.getByTestId("network-containers")).toContainText(`e2e-net-peer-${stamp}`);
  await expect(dialog.getByTestId("network-containers")).toContainText(`172.30.${octet}.20/24`);

  const endpoint = (await docker.getContainer(peer.id).inspect()).NetworkSettings.Networks[networkName];
  expect(endpoint?.Aliases).toContain("db");
});
