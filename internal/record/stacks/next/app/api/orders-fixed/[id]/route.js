// Proofs: app/api/orders/[id]/route.js with harcors' fix applied.
export async function OPTIONS() {
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': 'http://localhost:8800',
      'Access-Control-Allow-Methods': 'PUT',
      'Access-Control-Allow-Headers': 'Content-Type',
    },
  });
}

export async function PUT(request) {
  return Response.json({ ok: true }, { headers: { 'Access-Control-Allow-Origin': 'http://localhost:8800' } });
}
