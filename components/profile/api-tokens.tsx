"use client";

import { useState } from "react";
import { CreateTokenForm } from "./create-token-form";
import { NewToken } from "./new-token";
import { TokenList } from "./token-list";

export function ApiTokens() {
  // The secret exists in this state only, until dismissed; the server keeps its hash.
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  return (
    <div className="space-y-6">
      {created ? (
        <NewToken name={created.name} token={created.token} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm onCreated={setCreated} />
      )}
      <TokenList />
    </div>
  );
}
