import { defineConfig } from "prisma/config";

// Prisma 7 reads this file for every CLI command. `generate` needs no database, and
// Stevedore applies migrations itself on start (server/db/migrate.ts), so the URL only
// matters to someone running `prisma migrate deploy` by hand against DATABASE_URL.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/stevedore" },
});
