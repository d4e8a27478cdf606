# syntax=docker/dockerfile:1
#
# The dlms-logger collector image. Base: Node.js 24 on Debian 12 "bookworm", slim variant.
# - Node 24 is the Active LTS line (maintained until April 2028); Node 20, which the test suite runs on,
#   reached its end of life in April 2026, and the code needs nothing newer than Node 20.
# - bookworm is the Debian release the test suite runs on (socat, influxd, serialport's glibc
#   prebuilt binding); slim keeps the image small (no compilers: serialport's binding is prebuilt for
#   linux/amd64, arm64 and arm/v7 and v6, so no stage needs node-gyp).
# - The tag pins the major line and the Debian release, so rebuilds pick up Node and Debian security
#   fixes; to freeze a build completely, pass a full version tag or a digest, e.g.
#     docker build --build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:<digest> .
#
# Multi-platform build (Raspberry Pi included), with buildx and QEMU:
#   docker buildx build --platform linux/amd64,linux/arm64,linux/arm/v7 -t dlms-logger:0.1.0 .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first: this layer is reused until package.json or the lock file changes.
# --ignore-scripts: the only native module (serialport) ships prebuilt binaries that it finds at load time.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# Defaults of the one-meter configuration from environment variables (README, "Configuration"): the
# spool in the data volume, /healthz on loopback for the HEALTHCHECK below, JSON logs for `docker logs`.
ENV NODE_ENV=production \
	SPOOL_DIRECTORY=/var/lib/dlms-logger/spool \
	HEALTH_LISTEN=127.0.0.1:9464 \
	LOG_FORMAT=json
# A system user of its own (no login, no home in the image); numeric in USER so orchestrators can verify
# it is not root. Serial devices are reached through the group given at run time (compose: group_add).
RUN groupadd --system --gid 10001 dlms-logger \
	&& useradd --system --uid 10001 --gid dlms-logger --home-dir /var/lib/dlms-logger --no-create-home \
		--shell /usr/sbin/nologin dlms-logger \
	&& mkdir -p /var/lib/dlms-logger /etc/dlms-logger \
	&& chown dlms-logger:dlms-logger /var/lib/dlms-logger
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY config.yaml.example ./
# Spool (and raw archive) survive the container; the configuration is mounted read-only when used.
VOLUME ["/var/lib/dlms-logger", "/etc/dlms-logger"]
WORKDIR /var/lib/dlms-logger
USER 10001:10001
# The health endpoint answers 200 when every meter read within its last cycles (503 otherwise).
# No curl in the slim image: Node's fetch does it. HEALTH_LISTEN is host:port (0.0.0.0 is asked on loopback).
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
	CMD ["node", "-e", "const l=process.env.HEALTH_LISTEN||'127.0.0.1:9464',i=l.lastIndexOf(':'),h=l.slice(0,i).replace(/^0\\.0\\.0\\.0$/,'127.0.0.1');fetch('http://'+h+':'+l.slice(i+1)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is the process that receives SIGTERM, so the collector flushes its spool and exits 0.
# The same small young generation as `npm start` (lower RSS for a long-running daemon).
ENTRYPOINT ["node", "--max-semi-space-size=1", "/app/dist/src/cli/main.js"]
CMD ["run"]
