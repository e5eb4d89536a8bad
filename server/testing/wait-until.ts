/**
 * Polls `probe` every 250 ms until it returns a value (not undefined), or throws once `ms` have
 * passed: tests wait for a condition, never for a fixed time.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 250));
  }
}
