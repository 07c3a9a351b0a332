# syntax=docker/dockerfile:1.7
# Build: compile TypeScript with the full dependency tree.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
COPY scripts ./scripts
COPY test/fake-upstream ./test/fake-upstream
COPY test/fixtures ./test/fixtures
RUN npx nest build

# Production dependencies only, installed from the lockfile.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
# glibc gives freed heap back to the OS once 128 KiB sit free at its top, so every large response buffer (a
# 100-id batch is ~117 KB) came from fresh pages, each faulted in again: a warm batch cost 1.4-1.8 ms of server
# CPU with the default and 0.97-1.15 ms with 64 MiB (sys 400 -> 125 us; bench/README.md, "The two issue 18 rows").
# The price: up to 64 MiB of freed heap stays in the process.
ENV MALLOC_TRIM_THRESHOLD_=67108864
ENV NODE_ENV=production \
    HTTP_PORT=8080 \
    GRPC_PORT=50051 \
    DATA_DIR=/tmp/chorus
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
# The image's built-in unprivileged user; the root filesystem can be mounted read-only.
USER node
EXPOSE 8080 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/api/src/main.js"]
