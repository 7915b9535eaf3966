// The page of the scenarios that run in the app: plain HTML that loads the
// recorder's harness from this origin.
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>harcors fixture page (Next.js)</title>
<link rel="icon" href="data:,">
<script src="/harness.js"></script>
<script src="/scenarios.js"></script>
</head><body><p>harcors fixture recorder page, served by Next.js</p></body></html>
`;

export function GET() {
  return new Response(page, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}
