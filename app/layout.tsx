import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { NONCE_HEADER } from "@/server/http/security-headers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Stevedore", template: "%s · Stevedore" },
  description: "A web control plane for Docker that a team shares.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The response's script nonce (server.ts sets it per request; the Content-Security-Policy
  // allows only scripts that carry it). Reading it renders every page per request, as nonces need.
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="font-sans">
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
