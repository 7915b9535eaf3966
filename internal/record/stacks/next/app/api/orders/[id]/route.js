// next--no-options: PUT sets the CORS header itself, but the route exports
// no OPTIONS, so Next.js answers the preflight on its own (204, Allow).
export async function PUT(request) {
  return Response.json({ ok: true }, { headers: { 'Access-Control-Allow-Origin': 'http://localhost:8800' } });
}
