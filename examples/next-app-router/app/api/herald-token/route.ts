import { SignJWT } from "jose";
import { connection } from "next/server";

// HERALD_JWT_SECRET is server-only (never NEXT_PUBLIC_*): the same secret the hub got with --jwt-secret.
function secret(): Uint8Array {
  const value = process.env.HERALD_JWT_SECRET;
  if (!value) throw new Error("HERALD_JWT_SECRET is not set");
  return new TextEncoder().encode(value);
}

/** Who is asking. A real app checks its session here (a cookie, Auth.js auth(), Clerk, ...). */
async function currentUser(): Promise<{ id: string } | null> {
  return { id: "demo-listener" };
}

/** Mints a short-lived connection token for the browser's `getToken` (docs/tokens.md). */
export async function GET() {
  await connection(); // a token per request, never prerendered
  const user = await currentUser();
  if (!user) return new Response(null, { status: 401 });
  const token = await new SignJWT({ sub_channels: ["run:*"], pub_channels: [] })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(secret());
  return Response.json({ token }, { headers: { "cache-control": "no-store" } });
}
