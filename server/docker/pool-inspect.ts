// docker-modem (5.0.7, lib/modem.js buildRequest) formats every request's options with
// util.inspect({showHidden: true, depth: null}) before it hands them to `debug`, whether or
// not debugging is on. Those options hold the engine's connection pool, and a pool with an open
// /events stream formats to about 88 KB: 5-15 ms of CPU per request, most of the server's busy
// time with 50 idle engines. A pool that formats itself as one line removes that cost without
// patching the dependency (util.inspect honours [util.inspect.custom] under showHidden too).
import type http from "node:http";
import { inspect } from "node:util";

/** Makes `agent` print as `[label]` wherever it is inspected; returns it. */
export function inspectsAsOneLine<A extends http.Agent>(agent: A, label: string): A {
  Object.defineProperty(agent, inspect.custom, { value: () => `[${label}]`, enumerable: false });
  return agent;
}
