"use client";

import { useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { Alert } from "../ui/alert";
import { CreateTokenForm } from "./create-token-form";
import { NewToken } from "./new-token";
import { TokenList } from "./token-list";

export function ApiTokens() {
  // The secret exists in this state only, until dismissed; the server keeps its hash.
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  // A token would be a way around required two-factor sign-in: none until enrolled.
  const mustEnrol = useViewer().mustEnrollTotp;
  return (
    <div className="space-y-6">
      {mustEnrol ? (
        <Alert>Set up two-factor sign-in first: until then, API tokens can neither be made nor used.</Alert>
      ) : created ? (
        <NewToken name={created.name} token={created.token} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm onCreated={setCreated} />
      )}
      <TokenList />
    </div>
  );
}
