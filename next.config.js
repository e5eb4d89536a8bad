/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // server.ts compresses every answer itself (br or gzip, API and pages alike): not twice.
  compress: false,
  // Native or wasm-carrying server packages are loaded by Node as they are, not bundled.
  serverExternalPackages: ["dockerode", "docker-modem", "ssh2", "cpu-features", "pg", "@electric-sql/pglite"],
};

export default nextConfig;
