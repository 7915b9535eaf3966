// Proofs: webpack.headers-typo.config.js with harcors' fix applied.
const base = require('./webpack.config.js');

module.exports = {
  ...base,
  devServer: {
    ...base.devServer,
    port: 8825,
    proxy: [],
    headers: { 'Access-Control-Allow-Origin': 'http://localhost:8800' },
  },
};
