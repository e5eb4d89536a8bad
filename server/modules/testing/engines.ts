// What the resource modules' integration tests share: engines of the test bed by name, images
// made offline on them (layers committed from the fixture), and clean-up by label.
import Docker from "dockerode";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpRoute } from "../../transport/http/routes";
import type { Services } from "../../core/context";

export const TEST_LABEL = "stevedore.test";

export function engine(socket: string): Docker {
  return new Docker({ socketPath: socket, version: "v1.41" });
}

/**
 * An image of `layers` layers of `bytesPerLayer` random bytes each on top of `base`, tagged
 * `reference`: made by running and committing containers, so nothing is pulled.
 */
export async function makeLayeredImage(
  docker: Docker,
  base: string,
  reference: string,
  layers: number,
  bytesPerLayer: number,
): Promise<string> {
  let from = base;
  let id = "";
  for (let i = 0; i < layers; i++) {
    const container = await docker.createContainer({
      Image: from,
      Cmd: ["sh", "-c", `head -c ${bytesPerLayer} /dev/urandom > /blob-${i}-${Date.now()}`],
      Labels: { [TEST_LABEL]: "layers" },
      HostConfig: { NetworkMode: "none" },
    });
    await container.start();
    await container.wait();
    const [repo, tag] = splitTag(reference);
    const committed = (await container.commit({ repo, tag, changes: ['CMD ["sleep", "3600"]'] } as object)) as {
      Id: string;
    };
    id = committed.Id;
    await container.remove({ force: true });
    from = id;
  }
  return id;
}

export function splitTag(reference: string): [string, string] {
  const colon = reference.lastIndexOf(":");
  return colon > reference.lastIndexOf("/")
    ? [reference.slice(0, colon), reference.slice(colon + 1)]
    : [reference, "latest"];
}

export async function removeImageQuietly(docker: Docker, name: string): Promise<void> {
  await docker
    .getImage(name)
    .remove({ force: true })
    .catch(() => undefined);
}

export async function removeLabelled(docker: Docker, value: string): Promise<void> {
  const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${value}`] } });
  await Promise.all(
    left.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/** A route served by an HTTP server of the test's own; answers its base URL. */
export async function serveRoute(route: HttpRoute, services: Services): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    void route.handle(services, req, res, new URL(req.url ?? "/", "http://stevedore.local"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Polls `check` until it is true (no fixed sleeps); fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
