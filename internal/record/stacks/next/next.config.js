// The Next.js app of the recorder's "next" stack (http://127.0.0.1:8826),
// run with `next dev`. Its route handlers are under app/; headers() adds
// CORS headers to some of them, as the Next.js docs show.
module.exports = {
  async headers() {
    return [
      // next--headers-pattern: ':path' matches one segment only, so
      // /api/v1/items gets nothing.
      { source: '/api/:path', headers: [{ key: 'Access-Control-Allow-Origin', value: 'http://localhost:8800' }] },
      // next--star-credentials.
      { source: '/public-api/:path*', headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }] },

      // Proofs: harcors' fixes for next--headers-pattern and
      // next--star-credentials.
      { source: '/api/v2/items', headers: [{ key: 'Access-Control-Allow-Origin', value: 'http://localhost:8800' }] },
      { source: '/partner-api/:path*', headers: [{ key: 'Access-Control-Allow-Origin', value: 'http://localhost:8800' }, { key: 'Access-Control-Allow-Credentials', value: 'true' }] },
    ];
  },
  async rewrites() {
    return [
      // The recorder's page scripts, from its Go page server, for the page
      // that app/route.js serves.
      { source: '/harness.js', destination: 'http://127.0.0.1:8800/harness.js' },
      { source: '/scenarios.js', destination: 'http://127.0.0.1:8800/scenarios.js' },
      // Proofs: harcors' fix for next--api-direct-no-cors, the API at the
      // page's origin.
      { source: '/backend/:path*', destination: 'http://127.0.0.1:8801/upstream/:path*' },
    ];
  },
};
