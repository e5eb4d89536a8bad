"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ThemeProvider } from "next-themes";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { errorCode } from "./trpc-errors";
import { createTrpcClient, TRPCProvider } from "./trpc";

// Zod compiles validators with new Function() when it may, and probes for that with
// Function(""): under the page's Content-Security-Policy (no 'unsafe-eval') the probe is a
// reported violation. In the browser, validate without compiling (the server keeps its JIT).
if (typeof window !== "undefined") z.config({ jitless: true });

/** A session that ends while a page is open (idle limit, revoked elsewhere) sends the user to sign in again. */
function signInAgainWhenSignedOut(error: unknown) {
  if (errorCode(error) !== "UNAUTHORIZED") return;
  const path = window.location.pathname;
  if (path === "/login" || path === "/setup") return;
  window.location.assign("/login");
}

export function Providers({ children, nonce }: { children: ReactNode; nonce?: string }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: signInAgainWhenSignedOut }),
        mutationCache: new MutationCache({ onError: signInAgainWhenSignedOut }),
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            // A refusal will not change by asking again; a network blip might.
            retry: (count, error) =>
              count < 1 && !["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND"].includes(errorCode(error) ?? ""),
          },
        },
      }),
  );
  const [trpcClient] = useState(createTrpcClient);
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange nonce={nonce}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
