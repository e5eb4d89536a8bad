"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrors } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { TextField } from "../ui/field";

export function EnrolTwoFactor({ onEnrolled }: { onEnrolled: (recoveryCodes: string[]) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [code, setCode] = useState("");
  const start = useMutation(trpc.auth.totpStart.mutationOptions());
  const confirm = useMutation(
    trpc.auth.totpConfirm.mutationOptions({
      onSuccess: ({ recoveryCodes }) => {
        onEnrolled(recoveryCodes);
        router.refresh();
      },
    }),
  );
  const startErrors = formErrors(start.error);
  const confirmErrors = formErrors(confirm.error, ["code"]);

  if (!start.data) {
    return (
      <div className="space-y-3">
        <p className="text-sm text-fg">
          Two-factor sign-in is <strong>off</strong>. Turn it on to ask for a code from an authenticator app (such as
          Aegis, Google Authenticator or 1Password) after your password.
        </p>
        {startErrors.alert ? <Alert>{startErrors.alert}</Alert> : null}
        <Button variant="primary" onClick={() => start.mutate()} pending={start.isPending}>
          Set up two-factor sign-in
        </Button>
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate({ code });
  };
  const { qrDataUrl, secret } = start.data;
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <ol className="list-decimal space-y-1 pl-5 text-sm text-fg">
        <li>Scan the QR code with your authenticator app, or type the key into it.</li>
        <li>Enter the 6-digit code the app shows to confirm.</li>
      </ol>
      <div className="flex flex-wrap items-start gap-6">
        {/* A data: URL made by the server; next/image has nothing to optimise here. */}
        <img
          src={qrDataUrl}
          alt="QR code to add Stevedore to your authenticator app"
          width={180}
          height={180}
          className="rounded-md border border-border-strong bg-white p-1"
        />
        <div className="min-w-0 space-y-2">
          <p className="text-sm font-medium">Key</p>
          <code data-testid="totp-secret" className="block font-mono text-sm break-all">
            {secret}
          </code>
          <CopyButton text={secret} label="Copy key" />
        </div>
      </div>
      {confirmErrors.alert ? <Alert>{confirmErrors.alert}</Alert> : null}
      <div className="max-w-xs">
        <TextField
          label="Code from the app"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={confirmErrors.fields.code}
          required
        />
      </div>
      <div className="flex gap-2">
        <Button type="submit" variant="primary" pending={confirm.isPending}>
          Turn on
        </Button>
        <Button onClick={() => start.reset()}>Cancel</Button>
      </div>
    </form>
  );
}
