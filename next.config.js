/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // server.ts compresses every answer itself (br or gzip, API and pages alike): not twice.
  compress: false,
  // Native or wasm-carrying server packages are loaded by Node as they are, not bundled.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "pg", "@electric-sql/pglite"],
  // Tests run two replicas from one checkout in development mode (server/testing/replicas.ts);
  // Next's lock on its build folder would refuse the second. Nothing else turns it off.
  ...(process.env.STEVEDORE_TEST_REPLICAS === "1" ? { experimental: { lockDistDir: false } } : {}),
};

export default nextConfig;
