// Build config for the watchfloor web COP. The server serves `dist/` (or the
// `--outDir` its build script passes) at `/`, so assets live under `/assets/`.
import { defineConfig } from 'vite';
// Place names and county lines of the area of operations, subset at build time.
import places from './build/places.js';

// `WF_DEV_SERVER` lets `npm run dev` proxy the API and WebSocket to a running
// watchfloor (or a local mock) instead of the Vite dev server answering 404.
const backend = process.env.WF_DEV_SERVER || 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [places()],
  build: {
    outDir: 'dist',
    // MapLibre and the world outlines make one big chunk by design; the page
    // is served from the same host, so the default 500 kB warning is noise.
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api/web/ws': { target: backend, ws: true },
      '/api': { target: backend },
    },
  },
});
