"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import type { RouterOutputs } from "../api-types";
import { useTRPC } from "../trpc";

type TransferMessage = RouterOutputs["images"]["transfers"] extends AsyncIterable<infer M> ? M : never;
export type Transfer = Extract<TransferMessage, { type: "snapshot" }>["transfers"][number];

/**
 * The pulls and pushes this viewer may see, kept current by `images.transfers`: the whole
 * picture on (re)connecting, then each change. A reload picks running ones up again.
 */
export function useTransfers() {
  const trpc = useTRPC();
  const [transfers, setTransfers] = useState<ReadonlyMap<string, Transfer>>(new Map());
  const live = useSubscription(
    trpc.images.transfers.subscriptionOptions(undefined, {
      onData: (message) => {
        if (message.type === "snapshot") {
          setTransfers(new Map(message.transfers.map((t) => [t.id, t])));
        } else {
          setTransfers((old) => new Map(old).set(message.transfer.id, message.transfer));
        }
      },
    }),
  );
  return { transfers, status: live.status };
}
