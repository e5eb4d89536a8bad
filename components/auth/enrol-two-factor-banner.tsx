import Link from "next/link";
import { Alert } from "../ui/alert";

/** An administrator requires two-factor; until this user enrols, the API refuses them everything else. */
export function EnrolTwoFactorBanner() {
  return (
    <div className="mb-6">
      <Alert tone="warning" title="Two-factor sign-in is required">
        An administrator requires everyone to use two-factor sign-in. Until you set it up, Stevedore will not let you do
        anything else.{" "}
        <Link href="/profile#two-factor" className="font-medium underline">
          Set it up on your profile
        </Link>
        .
      </Alert>
    </div>
  );
}
