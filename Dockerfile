# syntax=docker/dockerfile:1

# Build: compile TypeScript and the better-sqlite3 addon, then keep only production dependencies.
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# better-sqlite3 <= 12 derives from node::ObjectWrap, whose destructor in Node >= 24.19 headers can
# abort the process during garbage collection (nodejs/node#65446). Build the addon against the last
# Node 24 headers without that hook; the ABI is the same, so it loads on every Node 24.
RUN npm rebuild better-sqlite3 --build-from-source --target=24.18.1
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# Runtime: no compiler, no dev dependencies, not root. The code stays owned by root, so the
# service cannot rewrite itself.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    MCP_SERVICE_HOST=0.0.0.0 \
    MCP_SERVICE_PORT=5008 \
    SUPERSET_MCP_DATA_DIR=/var/lib/superset-mcp
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/superset-mcp \
 && chown node:node /var/lib/superset-mcp
USER node
EXPOSE 5008
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MCP_SERVICE_PORT || 5008) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# On 0.0.0.0 the unauthenticated embedded demo refuses to start: give the container your
# Superset's SQLALCHEMY_DATABASE_URI and SECRET_KEY and turn auth on (see docker-compose.yml).
CMD ["node", "dist/cli.js", "run"]
