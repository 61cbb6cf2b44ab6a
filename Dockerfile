# The hub (broker, REST, socket.io, dashboard) on Node 22; InfluxDB runs as its own container.
FROM node:22-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.hub.json && npx vite build --config dashboard/vite.config.ts
ENV HUB_HOST=0.0.0.0 HUB_HTTP_PORT=8080 HUB_MQTT_PORT=1883 HUB_DATA_DIR=/data
VOLUME /data
EXPOSE 8080 1883
# One V8 helper thread, as `npm start` runs it (scripts/start.mjs, docs/performance.md).
CMD ["node", "--v8-pool-size=1", "dist/hub/src/main.js"]
