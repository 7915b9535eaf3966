// Starts the Vite dev servers of the recorder's "vite" stack in one process,
// one per configuration file (Vite's server.cors is per server, not per
// path): vite.config.js on 8820 is the app, the others show one server.cors
// setting each. The app's server starts last: the recorder waits for its
// port.
import { createServer } from 'vite';

const configs = ['vite.cors-typo.config.js', 'vite.cors-fixed.config.js', 'vite.config.js'];
for (const configFile of configs) {
  const server = await createServer({ configFile, logLevel: 'warn' });
  await server.listen();
}
