// The app's dev server (http://127.0.0.1:8820): the default server.cors,
// which allows localhost and 127.0.0.1 origins, and server.proxy for the
// API, so that the page calls the API at its own origin.
//
// /harness.js and /scenarios.js are the recorder's page scripts, served by
// its Go page server: index.html loads them from here, so that the page's
// origin is the dev server's, as in an app run with `vite`.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'app',
  server: {
    host: '127.0.0.1',
    port: 8820,
    strictPort: true,
    hmr: false,
    proxy: {
      // Proofs: the fix for vite--api-direct-no-cors.
      '/api': {
        target: 'http://127.0.0.1:8801',
        changeOrigin: true,
        rewrite: (path) => path.replace(/^\/api/, '/upstream'),
      },
      '/harness.js': 'http://127.0.0.1:8800',
      '/scenarios.js': 'http://127.0.0.1:8800',
    },
  },
});
