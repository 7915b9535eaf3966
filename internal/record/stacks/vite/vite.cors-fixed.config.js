// Proofs: vite.cors-typo.config.js with harcors' fix applied.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'app',
  server: {
    host: '127.0.0.1',
    port: 8822,
    strictPort: true,
    hmr: false,
    cors: { origin: 'http://localhost:8800' },
  },
});
