import vue from '@vitejs/plugin-vue';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// The pages are served by the Nest service under /app/ (see src/dashboard/dashboard.controller.ts);
// `vite build` writes dist/web, which DashboardModule serves. Everything is bundled: no CDN at run time.
export default defineConfig({
  root: here,
  base: '/app/',
  plugins: [vue()],
  build: {
    outDir: resolve(here, '../../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
  server: {
    // `npx vite --config src/dashboard/web/vite.config.ts` for live editing against a running service.
    proxy: Object.fromEntries(
      ['/auth', '/users', '/units', '/plans', '/indicators', '/tasks', '/evidence', '/board', '/audit', '/events', '/health'].map((p) => [
        p,
        'http://127.0.0.1:3000',
      ]),
    ),
  },
});
