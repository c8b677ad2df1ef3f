import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The pages, built into web/dist and served by the API server itself (src/http/routes/pages.ts): hashed
// files under /assets/, no inline script (the Content-Security-Policy allows scripts from 'self').
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Nothing inlined as data: URLs that a stricter policy could refuse; no polyfill script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
