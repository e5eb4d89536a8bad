/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // server.ts compresses every answer itself (br or gzip, API and pages alike): not twice.
  compress: false,
  // Native or wasm-carrying server packages are loaded by Node as they are, not bundled.
  // `npm test` checks the types as its first step (tsc --noEmit); the browser suite's build
  // sets this so as not to spend a minute again. (The image build keeps the pass: it checks the
  // build context, which .dockerignore trims.)
  typescript: { ignoreBuildErrors: process.env.STEVEDORE_SKIP_BUILD_TYPECHECK === "1" },
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "pg", "@electric-sql/pglite"],
  // Tests run two replicas from one checkout in development mode (server/testing/replicas.ts);
  // Next's lock on its build folder would refuse the second. Nothing else turns it off.
  ...(process.env.STEVEDORE_TEST_REPLICAS === "1" ? { experimental: { lockDistDir: false } } : {}),
};

export default nextConfig;
