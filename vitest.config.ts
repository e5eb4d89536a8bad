import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Next's bundler gives `server-only` its meaning; under Vitest it is a no-op, as under tsx.
      "server-only": path.resolve(import.meta.dirname, "server/core/server-only.ts"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{server,components,scripts,app}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{server,scripts}/**/*.int.test.ts"],
          // Real engines and a real database: bring the testbed up once, run files one at a time.
          globalSetup: ["server/testing/global-setup.ts"],
          setupFiles: ["server/testing/integration-setup.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
