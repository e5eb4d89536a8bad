"use client";

import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { MAX_BATCH_CALLS, refusesBatching } from "@/server/transport/trpc/batching";
import type { AppRouter } from "@/server/transport/trpc/root";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

const LARGE_QUERIES = new Set(["stacks.preview"]);

/** Plain JSON on the wire (no transformer), so the same API is callable with curl. */
export function createTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: "/api/trpc" }),
        false: splitLink({
          // A query whose input is a whole file (a compose file previewed as it is typed) cannot
          // ride in a URL: it is POSTed (the server allows that override; it stays a query).
          condition: (op) => LARGE_QUERIES.has(op.path),
          true: httpLink({ url: "/api/trpc", methodOverride: "POST" }),
          false: splitLink({
            // Sign-in, passwords, two-factor and tokens are refused in a batch: sent alone.
            condition: (op) => refusesBatching(op.path),
            true: httpLink({ url: "/api/trpc" }),
            // Node refuses request heads over 16 KiB: a batch of long queries (a whole container
            // spec checked as it is typed) is split into several requests rather than one too
            // long, and no batch holds more calls than the server takes.
            false: httpBatchLink({ url: "/api/trpc", maxURLLength: 8000, maxItems: MAX_BATCH_CALLS }),
          }),
        }),
      }),
    ],
  });
}
