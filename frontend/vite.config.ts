import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Dev server only: /api and /mlflow go to a running backend (frontend/README.md).
const backend = process.env.NORMLAB_BACKEND ?? 'http://localhost:8080';
// Dev only, never in the built app: lets the pages run against a backend without browser sessions.
const devToken = process.env.NORMLAB_DEV_TOKEN;
const proxy = {
  target: backend,
  headers: devToken ? { Authorization: `Bearer ${devToken}` } : undefined,
};

export default defineConfig({
  plugins: [react()],
  build: {
    // Maven packages target/classes as the normlab-frontend jar: static/** on the backend's class path
    outDir: 'target/classes/static',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/api': proxy, '/mlflow': proxy, '/v3': proxy },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
