"use client";

import { TextInput } from "../controls";
import { Section } from "../section";

/** The process: command, entrypoint, and who and where it runs. */
export function CommandSection() {
  return (
    <Section title="Command and user" description="Left empty, the image's own command, entrypoint and user apply.">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput
          name="command"
          label="Command"
          placeholder="e.g. sleep 600"
          spellCheck={false}
          hint="Words as a shell splits them; quote spaces."
        />
        <TextInput name="entrypoint" label="Entrypoint" spellCheck={false} />
        <TextInput name="user" label="User" placeholder="e.g. 1000:1000" />
        <TextInput name="workingDir" label="Working directory" placeholder="/app" spellCheck={false} />
        <TextInput name="hostname" label="Host name" spellCheck={false} />
      </div>
    </Section>
  );
}
