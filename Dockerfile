# The pages are built with the dev tools in a first stage; the image keeps production
# dependencies only, with the built pages copied in.
FROM node:20-bookworm-slim AS pages
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY web ./web
COPY src/http/graphql/schema.graphql ./src/http/graphql/schema.graphql
# postinstall builds the pages into web/dist
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY --from=pages /app/web/dist ./web/dist
USER node
EXPOSE 4000
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "src/server.ts"]
