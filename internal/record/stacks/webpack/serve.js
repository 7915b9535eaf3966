// Starts the webpack-dev-servers of the recorder's "webpack" stack, one per
// config file, through the API that `webpack serve` uses: webpack.config.js
// on 8823 is the app and starts last (the recorder waits for its port); the
// others show one devServer.headers setting each.
const webpack = require('webpack');
const WebpackDevServer = require('webpack-dev-server');

const configs = ['./webpack.headers-typo.config.js', './webpack.headers-fixed.config.js', './webpack.config.js'].map(require);
(async () => {
  for (const config of configs) {
    const server = new WebpackDevServer(config.devServer, webpack(config));
    await server.start();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
