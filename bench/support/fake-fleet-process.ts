// The child process that holds a fleet of fake engines (see fake-engine.ts), so that serving
// them never competes with the measuring process's event loop. Driven over IPC by fake-fleet.ts.
import { FakeEngine } from "./fake-engine";
import type { FleetReply, FleetRequest } from "./fake-fleet";

const engines: FakeEngine[] = [];

function reply(message: FleetReply): void {
  process.send?.(message);
}

async function handle(request: FleetRequest): Promise<FleetReply> {
  switch (request.type) {
    case "start": {
      for (let i = 0; i < request.engines; i++) {
        const engine = new FakeEngine({
          index: i,
          socketPath: `${request.dir}/fake-${String(i).padStart(2, "0")}.sock`,
          containers: request.containersPerEngine,
        });
        await engine.listen();
        engines.push(engine);
      }
      return { id: request.id, type: "started", urls: engines.map((e) => e.url), names: engines.map((e) => e.name) };
    }
    case "toggle": {
      const engine = engines[request.engine];
      if (!engine) throw new Error(`no engine ${request.engine}`);
      const { state, emittedAt } = engine.toggle(request.container);
      return { id: request.id, type: "toggled", containerId: engine.containerId(request.container), state, emittedAt };
    }
    case "stats": {
      const requests: Record<string, number> = {};
      let eventStreams = 0;
      for (const engine of engines) {
        eventStreams += engine.stats.eventStreams;
        for (const [route, n] of engine.stats.requests) requests[route] = (requests[route] ?? 0) + n;
      }
      return { id: request.id, type: "stats", requests, eventStreams };
    }
    case "stop": {
      await Promise.all(engines.map((e) => e.close()));
      engines.length = 0;
      return { id: request.id, type: "stopped" };
    }
  }
}

process.on("message", (message: FleetRequest) => {
  handle(message).then(reply, (error: unknown) =>
    reply({ id: message.id, type: "error", message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => {
  void Promise.all(engines.map((e) => e.close())).finally(() => process.exit(0));
});
