// Express + cors stack of the harcors fixture recorder, on 127.0.0.1:8803.
//
// Every scenario gets its own Router mounted at /<scenario>, so each has its
// own middleware order: that order is what most Express CORS bugs are about.
// The recorder starts this file as a child process; it never runs on its own.
'use strict';
const express = require('express');
const cors = require('cors');

const app = express();
const PAGE = 'http://localhost:8800';
const ok = (req, res) => res.json({ ok: true });

function scenario(name, build) {
  const r = express.Router();
  build(r);
  app.use('/' + name, r);
}

// app.use(cors()) with no options: Access-Control-Allow-Origin: *.
scenario('default-get-ok', r => { r.use(cors()); r.get('/', ok); });

// The same default, called with credentials: 'include'.
scenario('default-credentials', r => { r.use(cors()); r.get('/', ok); });

// credentials: true but origin left at its default '*': the package sends
// '*' together with Allow-Credentials: true (expressjs/cors#119).
scenario('credentials-true-default-origin', r => {
  r.use(cors({ credentials: true }));
  r.put('/', express.json(), ok);
});

// The right way for cookies: an origin list and credentials.
scenario('origin-list-credentials-ok', r => {
  r.use(cors({ origin: [PAGE, 'http://localhost:3000'], credentials: true }));
  r.put('/', express.json(), ok);
});

// Auth middleware registered before cors(): the preflight has no token.
scenario('auth-before-cors-401', r => {
  r.use((req, res, next) => {
    if (!req.headers.authorization) return res.status(401).json({ error: 'no token' });
    next();
  });
  r.use(cors());
  r.get('/', ok);
});

// cors() only on the PUT route, and no r.options(): Express's router
// answers the preflight itself (200, Allow: PUT) without CORS headers.
scenario('route-cors-no-options', r => { r.put('/', cors(), ok); });

// The documented fix: the same route plus r.options('/', cors()).
scenario('route-cors-with-options-ok', r => { r.options('/', cors()); r.put('/', cors(), ok); });

// allowedHeaders restricted to Content-Type; the page sends Authorization.
scenario('allowed-headers-restricted', r => {
  r.use(cors({ origin: PAGE, allowedHeaders: ['Content-Type'] }));
  r.get('/', ok);
});

// methods restricted to GET and POST; the page sends DELETE.
scenario('methods-restricted', r => {
  r.use(cors({ origin: PAGE, methods: ['GET', 'POST'] }));
  r.delete('/', ok);
});

// express.json() before cors(): a malformed body makes the parser fail
// before cors() runs, so the 400 has no CORS headers.
scenario('json-parse-error-before-cors', r => {
  r.use(express.json());
  r.use(cors());
  r.post('/', ok);
  r.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.message }));
});

// cors() first, then a handler that throws: the error response keeps the
// headers cors() already set.
scenario('error-500-after-cors', r => {
  r.use(cors());
  r.get('/', () => { throw new Error('boom'); });
});

// An origin function that rejects: cors() adds no header.
scenario('origin-function-rejects', r => {
  r.use(cors({ origin: (origin, cb) => cb(null, origin === 'https://app.example.com') }));
  r.get('/', ok);
});

// A RegExp origin that matches: the origin is echoed (passes).
scenario('origin-regexp-ok', r => {
  r.use(cors({ origin: /^http:\/\/localhost:\d+$/, exposedHeaders: ['X-Request-Id'] }));
  r.get('/', (req, res) => { res.set('X-Request-Id', 'req-1'); ok(req, res); });
});

// A second layer sets the header again by hand after cors() did.
scenario('manual-header-after-cors', r => {
  r.use(cors({ origin: PAGE }));
  r.use((req, res, next) => { res.append('Access-Control-Allow-Origin', '*'); next(); });
  r.get('/', ok);
});

// ---- Proofs: each failing scenario above with harcors' fix applied ----
// (scenario <name>-fixed; proof entries in scenarios_express.go)

// CORS-P16: harcors prints cors({ allowedHeaders: ['Content-Type', 'authorization', ...] }) here.
scenario('allowed-headers-restricted-fixed', r => {
  r.use(cors({ origin: PAGE, allowedHeaders: ['Content-Type', 'authorization'] }));
  r.get('/', ok);
});

// CORS-P02: app.use(cors(...)) before the auth middleware.
scenario('auth-before-cors-401-fixed', r => {
  r.use(cors());
  r.use((req, res, next) => {
    if (!req.headers.authorization) return res.status(401).json({ error: 'no token' });
    next();
  });
  r.get('/', ok);
});

// CORS-P09: cors({ origin: ['{origin}'], credentials: true }).
scenario('credentials-true-default-origin-fixed', r => {
  r.use(cors({ origin: [PAGE], credentials: true }));
  r.put('/', express.json(), ok);
});

// CORS-A07: cors({ origin: ['{origin}'], credentials: true }).
scenario('default-credentials-fixed', r => {
  r.use(cors({ origin: [PAGE], credentials: true }));
  r.get('/', ok);
});

// CORS-A02: cors() before every other middleware, the error handler after
// it: the parser's 400 now carries the headers and the page reads it.
scenario('json-parse-error-before-cors-fixed', r => {
  r.use(cors());
  r.use(express.json());
  r.post('/', ok);
  r.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.message }));
});

// CORS-A05: cors() already sets it; the hand-written second header is gone.
scenario('manual-header-after-cors-fixed', r => {
  r.use(cors({ origin: PAGE }));
  r.get('/', ok);
});

// CORS-P13: cors({ methods: ['GET', 'POST', '{method}', ...] }).
scenario('methods-restricted-fixed', r => {
  r.use(cors({ origin: PAGE, methods: ['GET', 'POST', 'DELETE'] }));
  r.delete('/', ok);
});

// CORS-A01: app.use(cors({ origin: ['{origin}'] })) before every router.
scenario('origin-function-rejects-fixed', r => {
  r.use(cors({ origin: [PAGE] }));
  r.get('/', ok);
});

const port = Number(process.env.PORT || 8803);
app.listen(port, '127.0.0.1', () => console.log('express stack on ' + port));
