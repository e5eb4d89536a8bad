"use client";

import { useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { DisableTwoFactor } from "./disable-two-factor";
import { EnrolTwoFactor } from "./enrol-two-factor";
import { RecoveryCodes } from "./recovery-codes";

/** Off -> enrol; just enrolled -> the recovery codes, once; on -> turn it off. */
export function TwoFactor() {
  const viewer = useViewer();
  // Kept here, not derived from the viewer: the codes must stay up after the page refreshes who we are.
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  if (recoveryCodes) return <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />;
  if (viewer.totpEnabled) return <DisableTwoFactor />;
  return <EnrolTwoFactor onEnrolled={setRecoveryCodes} />;
}
