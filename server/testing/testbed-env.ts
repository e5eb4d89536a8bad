/** The endpoints `scripts/testbed env` prints, as `export NAME=value` lines. */
export type TestbedEnv = Record<string, string>;

export function parseTestbedEnv(output: string): TestbedEnv {
  const env: TestbedEnv = {};
  for (const line of output.split("\n")) {
    const match = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, name, raw = ""] = match;
    // bash's printf %q: quoted, or with backslashes before special characters
    env[name!] = raw.replace(/^(['"])(.*)\1$/, "$2").replace(/\\(.)/g, "$1");
  }
  return env;
}

export function need(env: TestbedEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`scripts/testbed env did not print ${name}`);
  return value;
}
