// A dev server whose files a page on another origin loads (a backend-rendered
// page with Vite's assets, as in the Laravel and Django integrations), with
// the page's origin written as a URL in server.cors: the cors package sends
// the string as it is, trailing slash included.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'app',
  server: {
    host: '127.0.0.1',
    port: 8821,
    strictPort: true,
    hmr: false,
    cors: { origin: 'http://localhost:8800/' },
  },
});
