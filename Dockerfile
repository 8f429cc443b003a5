# syntax=docker/dockerfile:1
# The fake as an image (docs/docker.md): `docker build -t tanma-mock .`, then
#   docker run --rm -p 20066:20066 -e TANMA_ADMIN_TOKEN=<8+ characters> tanma-mock
# Inside the container it listens on 0.0.0.0, where the admin API (/__mock) needs a token: pass it as
# TANMA_ADMIN_TOKEN (or `--admin-token`), or the fake refuses to start and says so. Every option is a
# TANMA_* variable or a flag after the image name: `... tanma-mock serve --seed demo --customers 100000`.
# Two replicas behind nginx: docker/compose.yaml.
ARG NODE_VERSION=20

# Build: every dependency, then tsc into dist/.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/cjs-entries.mjs scripts/
COPY mock mock
COPY contracts contracts
COPY fixtures fixtures
RUN npm run build

# Runtime: production dependencies, dist/ and the fixture packs; no sources, no compilers.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# msw is a peer dependency the standalone server needs, and the lockfile lists it as a dev one (it is in
# devDependencies too), so `npm ci --omit=dev` would leave it out. Without devDependencies, npm installs
# it as a peer: every package at its locked version, msw included; optional peers (Pact) are left out.
RUN npm pkg delete devDependencies \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /src/dist dist
COPY fixtures fixtures
# Not root: the fake writes nothing but its exports (`export --out`), which go where the user mounts.
USER node
ENV TANMA_HOST=0.0.0.0
EXPOSE 20066
# The liveness route (/__mock/live): no token, reveals nothing; on the port the fake listens on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.TANMA_PORT || process.env.PORT || 20066) + '/__mock/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/mock/cli.js"]
CMD ["serve"]
