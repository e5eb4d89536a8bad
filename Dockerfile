# Stevedore's image: dependencies, build, runtime. Build it with
#   docker build -t stevedore .
# The runtime holds Node.js, tini, the built app and the dependency files it loads, and
# runs as the unprivileged user `node` (see docker/entrypoint.sh for how it reaches the
# engine socket). Works with BuildKit and with the classic builder alike.
#
# No network? Put an npm cache holding the lock's packages in the build context first
# (`scripts/images npm-cache .npm-cache`); `npm ci` then runs --offline from it. NODE_IMAGE
# names any Debian-based Node.js image (`scripts/images load` makes one from this machine's
# own Node.js for the tests, where nothing can be pulled).
ARG NODE_IMAGE=node:20-bookworm-slim

# ------------------------------------------------------------- dependencies --
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# The glob lets the build go on when there is no .npm-cache/ (package.json only makes the
# COPY valid: with no cache, /tmp/npm-cache is an empty cache and npm uses the registry).
COPY package.json .npm-cach[e] /tmp/npm-cache/
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma prisma/
RUN if [ -d /tmp/npm-cache/_cacache ]; then offline=--offline; else offline=; fi \
 && npm ci $offline --cache /tmp/npm-cache \
 && rm -rf /tmp/npm-cache

# -------------------------------------------------------------------- build --
FROM deps AS build
COPY . .
# The pages, then the runtime: the server bundled into server.mjs, and of node_modules only
# the files it and Next's server load (traced; see scripts/pack-runtime.mjs).
RUN npm run build \
 && node scripts/pack-runtime.mjs /stevedore

# ------------------------------------------------------------------ runtime --
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: it forwards signals to Node and reaps orphans. Images made by scripts/images
# carry it; the official node image gets Debian's.
RUN command -v tini >/dev/null 2>&1 \
 || (apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*)
WORKDIR /app
# MALLOC_TRIM_THRESHOLD_: glibc's allocator hands freed memory back to the system instead of
# keeping what V8's compiler threads used at start (about 80 MB); see README, "Memory".
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    HOST=0.0.0.0 \
    PORT=3000 \
    STEVEDORE_DATA_DIR=/data \
    STEVEDORE_LOCAL_SOCKET=/var/run/docker.sock
COPY --from=build /stevedore ./
COPY docker/entrypoint.sh /usr/local/bin/stevedore-entrypoint
# Next writes its cache of rendered pages under .next/cache at run time.
RUN mkdir -p /data .next/cache && chown node:node /data .next/cache && chmod 0700 /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--", "stevedore-entrypoint"]
CMD ["node", "server.mjs"]
