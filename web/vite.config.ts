import { defineConfig } from 'vite';
import { bundleSizePlugin } from './build/bundle-size-plugin.js';

// No React plugin: esbuild compiles JSX (automatic runtime) by itself, and the console needs no Fast
// Refresh in production builds. Hashed file names under /assets/ are what the server caches for a year.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    // Inline nothing: the Content-Security-Policy allows scripts, styles and images from 'self' only.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    rollupOptions: {
      // TanStack's "use client" directives mean nothing in a client-only bundle; the warning is noise.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  plugins: [bundleSizePlugin(250)],
  server: { proxy: { '/v1': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' } },
});
