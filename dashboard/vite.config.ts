/// <reference types="vitest/config" />
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))
const repo = fileURLToPath(new URL('..', import.meta.url))
const hub = process.env.HUB_URL ?? 'http://localhost:8080'

export default defineConfig({
  root: here,
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 300,
  },
  server: {
    // The dashboard imports the hub's shared model (hub/src/model).
    fs: { allow: [repo] },
    proxy: {
      '/api': { target: hub, changeOrigin: true },
      '/socket.io': { target: hub, ws: true, changeOrigin: true },
      '/docs': { target: hub, changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: hub, changeOrigin: true },
      '/socket.io': { target: hub, ws: true, changeOrigin: true },
      '/docs': { target: hub, changeOrigin: true },
    },
  },
  // Only the dashboard's pure-logic tests, should vitest ever be pointed at this file; the
  // repository's own vitest.config.ts (which also runs them) is unaffected.
  test: {
    root: repo,
    include: ['tests/unit/dashboard/**/*.test.ts'],
    environment: 'node',
  },
})
