# The bot's image: Debian (bookworm) with Node 20. Two stages: the build
# compiles TypeScript with every dependency; the runtime stage keeps only the
# production dependencies, the compiled code and the data files (flows,
# locales, knowledge), plus Debian's Chromium for whatsapp-web.js. It runs as
# the unprivileged "node" user. Data lives in volumes: evidence files
# (/app/data/attachments) and the linked WhatsApp session (/app/data/whatsapp-session).
# Build: docker build -t migrant-assistant-bot .   Run: see compose.yaml and README.md.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# whatsapp-web.js pulls in puppeteer: never download a browser (the runtime has Debian's).
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# Chromium for whatsapp-web.js (CHANNELS=whatsapp); fonts so any script renders; tini reaps Chromium's children.
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-liberation fonts-noto-color-emoji tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PUPPETEER_SKIP_DOWNLOAD=1 \
    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium \
    PORT=8080 \
    ATTACHMENTS_DIR=/app/data/attachments \
    WHATSAPP_SESSION_DIR=/app/data/whatsapp-session
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY flows ./flows
COPY locales ./locales
COPY knowledge ./knowledge
RUN mkdir -p /app/data/attachments /app/data/whatsapp-session && chown -R node:node /app/data
USER node
VOLUME ["/app/data/attachments", "/app/data/whatsapp-session"]
EXPOSE 8080
# Alive = the HTTP server answers /healthz (/readyz also checks Redis and the channels: for load balancers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--max-semi-space-size=32", "dist/main/app.js"]
