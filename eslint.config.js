import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** The import patterns of a layer that must not know tRPC, Next, or the layers above it. */
const trpc = (layer) => ({ group: ["@trpc/*"], message: `${layer} must not depend on tRPC.` });
const next = (layer) => ({ group: ["next", "next/*"], message: `${layer} must not depend on Next.` });
const above = (layer, groups) => ({ group: groups, message: `${layer} must not import the layers above it.` });

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "server/generated/**",
      "data/**",
      "scratch/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // Layer boundaries (README, Architecture): each layer imports only the ones below it.
  {
    // The fleet knows Docker and nothing of the API, the web framework or the database.
    files: ["server/docker/**"],
    // Tests drive the fleet through the doors above it.
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            trpc("server/docker"),
            next("server/docker"),
            {
              group: ["@prisma/*", "**/generated/prisma/**", "**/db", "**/db.ts"],
              message: "server/docker must not depend on the database.",
            },
            above("server/docker", ["**/modules/**", "**/transport/**"]),
          ],
        },
      ],
    },
  },
  {
    // The transport-free core: context types, domain errors and their one map, engine refs, the
    // Origin check, the shell-word splitter. Prisma's client type is named (the services carry
    // it), never its runtime.
    files: ["server/core/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            trpc("server/core"),
            next("server/core"),
            {
              group: ["@prisma/*", "**/generated/prisma/**", "**/db", "**/db.ts"],
              allowTypeImports: true,
              message: "server/core must not depend on the database (types only).",
            },
            above("server/core", ["**/modules/**", "**/transport/**", "**/workloads/**"]),
          ],
        },
      ],
    },
  },
  {
    // A module's domain logic and engine calls know no transport: they throw domain errors
    // (server/core/errors.ts). Only its router, procedure builders and HTTP door speak tRPC.
    files: ["server/modules/**/*.ts", "server/workloads/**/*.ts"],
    ignores: [
      "**/router.ts",
      "**/*.router.ts",
      "**/procedure.ts",
      "**/procedures.ts",
      "**/*.procedure.ts",
      "**/http.ts",
      "**/*.test.ts",
      "server/modules/testing/**",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            trpc("A module's domain logic"),
            next("A module's domain logic"),
            above("A module's domain logic", ["**/transport/**"]),
          ],
        },
      ],
    },
  },
  {
    // The browser's code reaches the server only through types, the shared contracts and the
    // pure kits (server/core, server/workloads' schemas and CLI words) and a few constants:
    // never its internals. A server component's helper marked `server-only` is exempt.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    ignores: ["**/*.test.{ts,tsx}", "components/auth/session.ts", "components/containers/served-first-screen.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex:
                "^(@/|(\\.\\./)+)server/(?!core/|workloads/|modules/[^/]+/contract$|transport/trpc/(root|batching)$|transport/http/(container-files-limits|security-headers)$)",
              allowTypeImports: true,
              message:
                "The browser imports from the server only types, server/core, server/workloads and the modules' contract.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
