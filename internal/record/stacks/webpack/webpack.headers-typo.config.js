// A dev server whose files a page on another origin loads (a
// backend-rendered page with the bundle), with the page's origin written as
// a URL in devServer.headers: sent as written, trailing slash included.
const base = require('./webpack.config.js');

module.exports = {
  ...base,
  devServer: {
    ...base.devServer,
    port: 8824,
    proxy: [],
    headers: { 'Access-Control-Allow-Origin': 'http://localhost:8800/' },
  },
};
