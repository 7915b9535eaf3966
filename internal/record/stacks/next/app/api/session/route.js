// What the app reads from its own origin before it calls the API.
export function GET() {
  return Response.json({ user: null });
}
