"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Ban, CircleCheck, KeyRound, KeySquare, Pencil, ShieldOff, TimerReset, Trash2 } from "lucide-react";
import { useState } from "react";
import { errorMessage } from "../trpc-errors";
import { useTRPC } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { IconButton } from "../ui/icon-button";
import { EditUserDialog } from "./edit-user-dialog";
import { ResetPasswordDialog } from "./reset-password-dialog";
import { UserTokensDialog } from "./user-tokens-dialog";
import type { UserRow } from "./types";

function EmptySlot() {
  return <span aria-hidden className="inline-block size-8" />;
}

type Open = "edit" | "password" | "totp" | "disable" | "delete" | "tokens" | null;

export function UserActions({ user, isSelf }: { user: UserRow; isSelf: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<Open>(null);
  const done = async () => {
    setOpen(null);
    await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  };
  const setDisabled = useMutation(trpc.users.update.mutationOptions({ onSuccess: done }));
  const resetTotp = useMutation(trpc.users.resetTotp.mutationOptions({ onSuccess: done }));
  const remove = useMutation(trpc.users.remove.mutationOptions({ onSuccess: done }));
  const unlock = useMutation(trpc.users.unlock.mutationOptions({ onSuccess: done }));
  const show = (which: Open) => {
    setDisabled.reset();
    resetTotp.reset();
    remove.reset();
    setOpen(which);
  };
  const name = user.username;

  return (
    <div className="inline-flex flex-col items-end gap-1">
      {/* Fixed slots, so each action sits in the same column on every row. */}
      <div className="inline-flex gap-0.5">
        <IconButton icon={Pencil} label={`Edit ${name}`} onClick={() => show("edit")} />
        <IconButton icon={KeyRound} label={`Reset password of ${name}`} onClick={() => show("password")} />
        <IconButton icon={KeySquare} label={`API tokens of ${name}`} onClick={() => show("tokens")} />
        {user.totpEnabled ? (
          <IconButton icon={ShieldOff} label={`Reset two-factor of ${name}`} onClick={() => show("totp")} />
        ) : (
          <EmptySlot />
        )}
        {isSelf ? (
          <EmptySlot />
        ) : user.disabled ? (
          <IconButton
            icon={CircleCheck}
            label={`Enable ${name}`}
            disabled={setDisabled.isPending}
            onClick={() => setDisabled.mutate({ id: user.id, disabled: false })}
          />
        ) : (
          <IconButton icon={Ban} label={`Disable ${name}`} onClick={() => show("disable")} />
        )}
        {isSelf ? (
          <EmptySlot />
        ) : (
          <IconButton icon={Trash2} tone="danger" label={`Delete ${name}`} onClick={() => show("delete")} />
        )}
      </div>
      {user.signInSlowedDown ? (
        // Someone guessed at this account: sign-ins from new browsers wait between attempts.
        // The user's own browser is not slowed; this lifts it for the rest.
        <Button
          size="sm"
          variant="quiet"
          pending={unlock.isPending}
          title={`${user.signInSlowedDown.failures} failed sign-ins from browsers new to this account`}
          onClick={() => unlock.mutate({ id: user.id })}
        >
          <TimerReset aria-hidden className="size-3.5" />
          Lift sign-in slow-down
        </Button>
      ) : null}
      {open === null && setDisabled.error ? <Alert>{errorMessage(setDisabled.error)}</Alert> : null}
      {unlock.error ? <Alert>{errorMessage(unlock.error)}</Alert> : null}

      <EditUserDialog user={user} open={open === "edit"} onClose={() => setOpen(null)} />
      <ResetPasswordDialog user={user} open={open === "password"} onClose={() => setOpen(null)} />
      <UserTokensDialog user={user} open={open === "tokens"} onClose={() => setOpen(null)} />
      <ConfirmDialog
        open={open === "totp"}
        onClose={() => setOpen(null)}
        title={`Reset two-factor of ${name}?`}
        confirmLabel="Reset two-factor"
        onConfirm={() => resetTotp.mutate({ id: user.id })}
        pending={resetTotp.isPending}
        error={resetTotp.error ? errorMessage(resetTotp.error) : null}
      >
        For someone who lost their authenticator and recovery codes: they sign in with their password alone until they
        set it up again.
      </ConfirmDialog>
      <ConfirmDialog
        open={open === "disable"}
        onClose={() => setOpen(null)}
        title={`Disable ${name}?`}
        confirmLabel="Disable"
        onConfirm={() => setDisabled.mutate({ id: user.id, disabled: true })}
        pending={setDisabled.isPending}
        error={setDisabled.error ? errorMessage(setDisabled.error) : null}
      >
        They are signed out at once and cannot sign in or use their API tokens until enabled again. Nothing is deleted.
      </ConfirmDialog>
      <ConfirmDialog
        open={open === "delete"}
        onClose={() => setOpen(null)}
        title={`Delete ${name}?`}
        confirmLabel="Delete user"
        onConfirm={() => remove.mutate({ id: user.id })}
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      >
        Their account, sessions, API tokens, team memberships and role bindings are removed. This cannot be undone;
        disabling keeps the account.
      </ConfirmDialog>
    </div>
  );
}
