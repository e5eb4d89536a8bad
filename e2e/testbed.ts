// Real things for the container journeys: an environment on the testbed's standalone engine
// (added through the API) and a fixture container started straight on that engine.
import { expect, type APIRequestContext } from "@playwright/test";
import Docker from "dockerode";
import { mutate } from "./fixtures";

export const STANDALONE_SOCKET = process.env.TESTBED_STANDALONE_SOCKET ?? "/tmp/stevedore-testbed/standalone.sock";
const FIXTURE_IMAGE = process.env.TESTBED_FIXTURE_IMAGE ?? "stevedore-fixture/busybox:latest";

const engine = () => new Docker({ socketPath: STANDALONE_SOCKET, version: "v1.41" });

/**
 * What a fixture container runs: a sleep that ends at SIGTERM. A bare `sleep` as PID 1 ignores
 * SIGTERM, so every stop, restart, recreate or replace of it waited out the engine's 10 s grace.
 */
export const FIXTURE_COMMAND = ["sh", "-c", 'trap "exit 0" TERM; sleep 3600 & wait'];

/** A sleeping busybox container, labelled so a stray one is easy to find and clean up. */
export async function startFixtureContainer(name: string): Promise<{ id: string; remove: () => Promise<void> }> {
  const container = await engine().createContainer({
    name,
    Image: FIXTURE_IMAGE,
    Cmd: FIXTURE_COMMAND,
    Labels: { "stevedore.test": "e2e" },
  });
  await container.start();
  return { id: container.id, remove: () => container.remove({ force: true }).then(() => undefined) };
}

/** An environment on the standalone engine, under a name of this run's own. */
export async function addStandaloneEnvironment(
  request: APIRequestContext,
  name: string,
): Promise<{ id: string; remove: (request: APIRequestContext) => Promise<void> }> {
  const env = await mutate<{ id: string }>(request, "environments.create", {
    name,
    url: `unix://${STANDALONE_SOCKET}`,
  });
  expect(env.id).toBeTruthy();
  return {
    id: env.id,
    remove: (as: APIRequestContext) =>
      mutate(as, "environments.remove", { environmentId: env.id }).then(() => undefined),
  };
}
