// The app's dev server (http://127.0.0.1:8823): webpack-dev-server with
// devServer.proxy for the API, so that the page calls the API at its own
// origin. /harness.js and /scenarios.js are the recorder's page scripts,
// served by its Go page server: index.html loads them from here, so that
// the page's origin is the dev server's, as in an app run with
// `webpack serve` (or Create React App's `npm start`).
const path = require('path');

module.exports = {
  mode: 'development',
  context: __dirname,
  entry: './src/index.js',
  devtool: false,
  infrastructureLogging: { level: 'warn' },
  devServer: {
    host: '127.0.0.1',
    port: 8823,
    hot: false,
    liveReload: false,
    client: false,
    static: { directory: path.join(__dirname, 'public') },
    proxy: [
      // Proofs: the fix for webpack--api-direct-no-cors.
      {
        context: ['/api'],
        target: 'http://127.0.0.1:8801',
        changeOrigin: true,
        pathRewrite: { '^/api': '/upstream' },
      },
      { context: ['/harness.js', '/scenarios.js'], target: 'http://127.0.0.1:8800' },
    ],
  },
};
