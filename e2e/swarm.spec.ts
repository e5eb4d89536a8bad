// The swarm journey on the test bed's real three-node swarm: an operator sees the cluster with
// its quorum, creates a replicated service with the form with its tasks spread over the nodes,
// updates it with the same form filled from its spec, scales it, drains a worker (after seeing
// which tasks will move) and watches the tasks leave it, reads the service's logs merged across
// its tasks, opens a console in one, pushes an update whose healthcheck fails and sees it
// reported as rolled back with the task's error, and the lists keep following a swarm that
// changes faster than a loaded server answers. A read-only user is refused the forms.
//
// The test bed's swarm is shared with the integration suite, whose failover test promotes both
// workers, freezes the leader and demotes them back: until the swarm has settled again (one
// reachable leader, three ready nodes) the page rightly shows something else. So the journey
// starts once the engine itself says so, and every check waits for what the live page shows.
import { expect, test } from "@playwright/test";
import Docker from "dockerode";
import { authFile, mutate, query } from "./fixtures";

const stamp = Date.now();
const sockets = {
  manager: process.env.TESTBED_SWARM_MANAGER_SOCKET ?? "",
  w1: process.env.TESTBED_SWARM_WORKER1_SOCKET ?? "",
  w2: process.env.TESTBED_SWARM_WORKER2_SOCKET ?? "",
};
const image = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";
const manager = new Docker({ socketPath: sockets.manager, version: "v1.41" });
const name = `e2e-web-${stamp % 100_000}`;
const environments: string[] = [];

/** What the manager says of its nodes: "hostname role state availability reachability leader" each. */
async function swarmState(): Promise<string[]> {
  const nodes = (await manager.listNodes()) as Array<{
    Description?: { Hostname?: string };
    Spec: { Role: string; Availability: string };
    Status: { State: string };
    ManagerStatus?: { Reachability?: string; Leader?: boolean };
  }>;
  return nodes
    .map((n) =>
      [
        n.Description?.Hostname,
        n.Spec.Role,
        n.Status.State,
        n.Spec.Availability,
        n.ManagerStatus?.Reachability ?? "-",
        n.ManagerStatus?.Leader ? "leader" : "-",
      ].join(" "),
    )
    .sort();
}

test.beforeAll(async ({ browser }) => {
  // The swarm as the test bed made it: one manager (the leader), two workers, all ready and active.
  await expect
    .poll(swarmState, { timeout: 120_000 })
    .toEqual([
      "swarm-mgr manager ready active reachable leader",
      "swarm-w1 worker ready active - -",
      "swarm-w2 worker ready active - -",
    ]);
  const admin = await browser.newContext({ storageState: authFile("admin") });
  for (const [key, socket] of Object.entries(sockets)) {
    const env = await mutate<{ id: string }>(admin.request, "environments.create", {
      name: `swarm-${key}-${stamp}`,
      url: `unix://${socket}`,
    });
    environments.push(env.id);
  }
  // The cluster forms once the manager's picture holds the nodes the workers say they are.
  await expect
    .poll(
      async () =>
        (await query<{ items: { environments: unknown[] }[] }>(admin.request, "swarm.clusters")).items[0]?.environments
          .length,
      { timeout: 30_000 },
    )
    .toBe(3);
  await admin.close();
});

test.afterAll(async ({ browser }) => {
  for (const service of [name, `${name}-churn`]) {
    await manager
      .getService(service)
      .remove()
      .catch(() => undefined);
  }
  // The drained worker is active again whatever happened in the test.
  for (const node of await manager.listNodes()) {
    const spec = (node as { Spec: { Availability: string; Role: string; Labels?: Record<string, string> } }).Spec;
    if (spec.Availability !== "active") {
      await manager
        .getNode((node as { ID: string }).ID)
        .update({ version: (node as { Version: { Index: number } }).Version.Index, ...spec, Availability: "active" });
    }
  }
  const admin = await browser.newContext({ storageState: authFile("admin") });
  for (const id of environments) await mutate(admin.request, "environments.remove", { environmentId: id });
  await admin.close();
});

test("an operator runs a replicated service across the swarm", async ({ page }) => {
  // A whole journey of rollouts (create, scale, drain, back) on three real engines.
  test.setTimeout(180_000);
  await page.goto("/swarm");
  const summary = page.getByTestId("cluster-summary");
  await expect(summary).toContainText("1 of 1 reachable");
  await expect(summary).toContainText("3 ready of 3");

  // Every node once, however many of its engines are environments.
  const nodes = page.getByRole("table", { name: "Nodes" });
  for (const host of ["swarm-mgr", "swarm-w1", "swarm-w2"]) await expect(nodes.getByText(host)).toHaveCount(1);

  // Create it with the form: the line it runs is shown before it is sent. Its tasks print
  // something every second (busybox top), for the merged logs.
  await page.getByRole("link", { name: "Create service" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Create a service" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Image", { exact: true }).fill(image);
  await page.getByLabel("Replicas", { exact: true }).fill("3");
  await page.getByLabel("Command", { exact: true }).fill("top -b -d 1");
  // Host-mode ports: the test bed has no IPVS, so no routing mesh.
  await page.getByRole("button", { name: "Add port" }).click();
  await page.getByLabel("Target port").fill("8080");
  await expect(page.getByTestId("cli-preview")).toContainText(`service create --name ${name} --replicas 3`);
  await expect(page.getByTestId("cli-preview")).toContainText("--publish target=8080,mode=host");
  await page.getByRole("button", { name: "Create service" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();

  // Update it with the same form, filled from the spec it runs: the change and its line first.
  await page.getByRole("link", { name: "Update…" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Update ${name}` })).toBeVisible();
  await expect(page.getByLabel("Command", { exact: true })).toHaveValue("top -b -d 1");
  // (The section is labelled Mode too: the field is the read-only box in it.)
  await expect(page.getByRole("textbox", { name: "Mode", exact: true })).toHaveValue("replicated");
  await page.getByRole("button", { name: "Add variable" }).click();
  await page.getByLabel("Variable name").fill("MODE");
  await page.getByLabel("Variable value").fill("b");
  await expect(page.getByTestId("update-changes")).toContainText("TaskTemplate.ContainerSpec.Env");
  await expect(page.getByTestId("cli-preview")).toContainText("service update --env-add MODE=b");
  await page.getByRole("button", { name: "Update service" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("rollout")).toContainText("converged");
  await page.goto("/swarm");

  // The table draws only the rows in view (virtualised): scroll down to it, as a person does.
  await page.getByRole("heading", { name: "Services" }).scrollIntoViewIfNeeded();
  const services = page.getByRole("table", { name: "Services" });
  const row = services.getByRole("row").filter({ hasText: name });
  await expect(row.getByTestId("service-replicas")).toHaveText("3/3");

  // The details: three tasks, spread over the three nodes.
  await row.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("rollout")).toContainText("converged");
  const tasks = page.getByRole("table", { name: "Tasks" });
  await expect(tasks.getByTestId("task-node")).toHaveCount(3);
  await expect.poll(async () => new Set(await tasks.getByTestId("task-node").allInnerTexts()).size).toBe(3);
  // The three tasks the update replaced are its history, one click away, each shut down.
  await page.getByRole("button", { name: "Show earlier tasks (3)" }).click();
  const earlier = page.getByRole("table", { name: "Earlier tasks" });
  await expect(earlier.getByRole("row").filter({ hasText: "shutdown" })).toHaveCount(3);
  await expect(earlier.getByRole("link", { name: /^Console in / })).toHaveCount(0);

  // Scale to four: the dialog says the command, the page follows the rollout.
  await page.getByRole("button", { name: "Scale…" }).click();
  await page.getByLabel("Replicas").fill("4");
  await expect(page.getByText(`docker --context swarm-manager-${stamp} service scale ${name}=4`)).toBeVisible();
  await page.getByRole("button", { name: "Scale", exact: true }).click();
  await expect(page.getByTestId("cli")).toHaveText(`docker --context swarm-manager-${stamp} service scale ${name}=4`);
  await expect(page.getByTestId("service-replicas")).toContainText("4/4");

  // The logs, merged across the tasks, each line led by its task.
  await page.getByRole("tab", { name: "logs" }).click();
  await expect(
    page.getByText(new RegExp(`${name}\\.\\d+\\.[0-9a-z]+@swarm-[\\w-]+ \\| (Mem|CPU|Load)`)).first(),
  ).toBeVisible();

  // A console in one of its tasks, from the task's row, on the engine of the node it runs on.
  await page.getByRole("tab", { name: "tasks" }).click();
  await page
    .getByRole("link", { name: /^Console in / })
    .first()
    .click();
  await expect(page.getByTestId("console-status")).toContainText("Connected");
  await page.locator(".xterm").click();
  await page.keyboard.type("echo task-$((40+2))");
  await page.keyboard.press("Enter");
  await expect(page.locator(".xterm-rows > div").filter({ hasText: /^\s*task-42\s*$/ })).toHaveCount(1);
});

test("an operator drains a worker, labels one and is refused demoting the last manager", async ({ page }) => {
  test.setTimeout(180_000);
  // Drain a worker: first which tasks will move, then the tasks leave it.
  await page.goto("/swarm");
  const w1 = page.getByRole("table", { name: "Nodes" }).getByRole("row").filter({ hasText: "swarm-w1" });
  await expect(w1.getByTestId("node-tasks")).not.toHaveText("0");
  await w1.getByLabel("Availability of swarm-w1").selectOption("drain");
  const preview = page.getByTestId("availability-preview");
  await expect(preview).toContainText(name);
  await expect(preview).toContainText("docker");
  await page.getByRole("button", { name: "Set to drain" }).click();
  await expect(page.getByTestId("cli")).toContainText("node update --availability drain swarm-w1");
  await expect(w1.getByTestId("node-tasks")).toHaveText("0");
  await page.getByRole("heading", { name: "Services" }).scrollIntoViewIfNeeded();
  const other = page.getByRole("table", { name: "Services" }).getByRole("row").filter({ hasText: name });
  await expect(other.getByTestId("service-replicas")).toHaveText("4/4");

  // And back.
  await w1.getByLabel("Availability of swarm-w1").selectOption("active");
  await page.getByRole("button", { name: "Set to active" }).click();
  await expect(page.getByTestId("cli")).toContainText("node update --availability active swarm-w1");

  // A label on a worker, with its line first, then off again.
  const w2 = page.getByRole("table", { name: "Nodes" }).getByRole("row").filter({ hasText: "swarm-w2" });
  await w2.getByRole("button", { name: "Labels of swarm-w2" }).click();
  const labels = page.getByRole("dialog", { name: "Labels of swarm-w2" });
  await labels.getByLabel("Label key").fill("zone");
  await labels.getByLabel("Label value").fill("e2e");
  await expect(labels.getByTestId("node-action-preview")).toHaveText(
    "docker node update --label-add zone=e2e swarm-w2",
  );
  await labels.getByRole("button", { name: "Save labels" }).click();
  await expect(page.getByTestId("cli")).toContainText("node update --label-add zone=e2e swarm-w2");
  await expect(w2).toContainText("zone=e2e");
  await w2.getByRole("button", { name: "Labels of swarm-w2" }).click();
  await page.getByLabel("Remove zone=e2e").check();
  await page.getByRole("button", { name: "Save labels" }).click();
  await expect(page.getByTestId("cli")).toContainText("node update --label-rm zone swarm-w2");
  await expect(w2).not.toContainText("zone=e2e");

  // Demoting the last manager is refused before and when asked, with the reason.
  const mgr = page.getByRole("table", { name: "Nodes" }).getByRole("row").filter({ hasText: "swarm-mgr" });
  await mgr.getByRole("button", { name: "Demote swarm-mgr" }).click();
  const demote = page.getByRole("dialog", { name: "Demote swarm-mgr?" });
  await expect(demote.getByTestId("node-action-preview")).toContainText("last manager");
  await expect(demote.getByTestId("node-action-preview")).toContainText("node demote swarm-mgr");
  await demote.getByRole("button", { name: "Demote" }).click();
  await expect(demote).toContainText("last manager");
  await demote.getByRole("button", { name: "Cancel" }).click();

  // Removing a worker that is up says what it means and needs force: not done here.
  await w2.getByRole("button", { name: "Remove swarm-w2" }).click();
  const remove = page.getByRole("dialog", { name: "Remove swarm-w2 from the swarm?" });
  await expect(remove.getByTestId("node-action-preview")).toContainText("docker node rm swarm-w2");
  await remove.getByLabel("Remove it anyway (force)").check();
  await expect(remove.getByTestId("node-action-preview")).toContainText("docker node rm --force swarm-w2");
  await remove.getByRole("button", { name: "Cancel" }).click();
});

test("an update whose healthcheck fails is rolled back, and the page says so with the task's error", async ({
  page,
}) => {
  // One failing task, its monitor, then the rollback of what it replaced: on three real engines.
  test.setTimeout(180_000);
  const services = (await manager.listServices({ filters: { name: [name] } })) as { ID: string }[];
  await page.goto(`/swarm/services/${environments[0]}/${services[0]!.ID}`);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await page.getByRole("link", { name: "Update…" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Update ${name}` })).toBeVisible();
  // A healthcheck that never passes, and an update that rolls back when a task fails it.
  await page.getByLabel("A command of my own").check();
  await page.getByLabel("Health command").fill("exit 1");
  await page.getByLabel("Interval (s)").fill("1");
  await page.getByLabel("Timeout (s)").fill("1");
  await page.getByLabel("Retries").fill("1");
  await page.getByLabel("Update: tasks at once").fill("1");
  await page.getByLabel("Update: on failure").selectOption("rollback");
  await page.getByLabel("Update: monitor (s)").fill("15");
  await page.getByLabel("Rollback: monitor (s)").fill("1");
  await expect(page.getByTestId("cli-preview")).toContainText("--update-failure-action rollback");
  await page.getByRole("button", { name: "Update service" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  // Reported as what it is: rolled back, a failure, with the task that failed and its error.
  const rollout = page.getByTestId("rollout");
  await expect(rollout).toContainText("rolled-back", { timeout: 120_000 });
  await expect(rollout.getByText(/^The rollout failed on task/)).toBeVisible();
  await expect(rollout).toContainText(/exit code \d+|unhealthy/);
  await expect(page.getByTestId("service-replicas")).toContainText("4/4");
});

test("the lists follow the swarm while it changes faster than they answer", async ({ page }) => {
  // A swarm that never settles (tasks failing and restarting in a loop: changes every moment)
  // and a server slower than that (its list reads held 1.5 s here; a loaded machine did it for
  // real): the lists must still follow. Restarting a read at each change left them as they were.
  await page.goto("/swarm");
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  await expect(page.getByRole("table", { name: "Nodes" }).getByText("swarm-w1")).toHaveCount(1);
  await page.route(/\/api\/trpc\/[^?]*(nodes|services)\.list/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue().catch(() => undefined);
  });
  const churn = `${name}-churn`;
  await manager.createService({
    Name: churn,
    TaskTemplate: {
      ContainerSpec: { Image: image, Command: ["sh", "-c", "sleep 0.2; exit 1"] },
      RestartPolicy: { Condition: "any", Delay: 0 },
    },
    Mode: { Replicated: { Replicas: 2 } },
  });
  await page.getByRole("heading", { name: "Services", exact: true }).scrollIntoViewIfNeeded();
  await expect(page.getByRole("table", { name: "Services" }).getByRole("link", { name: churn })).toBeVisible();
});

test.describe("as a read-only user", () => {
  test.use({ storageState: authFile("viewer") });

  test("the service forms refuse, and nothing offers them", async ({ page }) => {
    await page.goto("/swarm");
    await expect(page.getByTestId("cluster-summary")).toBeVisible();
    await expect(page.getByRole("link", { name: "Create service" })).toHaveCount(0);
    await page.goto("/swarm/services/new");
    await expect(page.getByText("You do not have permission (service.create)")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create service" })).toHaveCount(0);
    await page.goto(`/swarm/services/${environments[0]}/${name}/edit`);
    await expect(page.getByText("You do not have permission (service.update)")).toBeVisible();
  });

  test("no node action or task console is offered, and the API refuses them", async ({ page }) => {
    await page.goto("/swarm");
    const nodes = page.getByRole("table", { name: "Nodes" });
    await expect(nodes.getByText("swarm-w1")).toHaveCount(1);
    await expect(nodes.getByRole("button", { name: /^(Promote|Demote|Labels of|Remove) / })).toHaveCount(0);
    const w1 = (
      await query<{ items: { id: string; hostname: string; environmentId: string }[] }>(page.request, "nodes.list")
    ).items.find((n) => n.hostname === "swarm-w1")!;
    for (const [procedure, input] of [
      ["nodes.promote", {}],
      ["nodes.updateLabels", { add: { zone: "x" } }],
      ["nodes.remove", { force: true }],
    ] as const) {
      const response = await page.request.post(`/api/trpc/${procedure}`, {
        data: { environmentId: w1.environmentId, id: w1.id, ...input },
      });
      expect(response.status(), procedure).toBe(403);
    }
    await page.goto(`/swarm/services/${environments[0]}/${name}/tasks/x/console`);
    await expect(page.getByText("You do not have permission (service.exec)")).toBeVisible();
    await expect(page.locator(".xterm")).toHaveCount(0);
  });
});
