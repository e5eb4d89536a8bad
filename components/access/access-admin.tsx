"use client";

import { Panel } from "../ui/panel";
import { AddBindingForm } from "./add-binding-form";
import { BindingsList } from "./bindings-list";

export function AccessAdmin() {
  return (
    <div className="space-y-6">
      <Panel
        title="Give a role"
        description="A user or a team gets a role on every environment, or on one. Nobody can give what they do not hold."
      >
        <AddBindingForm />
      </Panel>
      <section aria-labelledby="bindings-heading" className="space-y-3">
        <h2 id="bindings-heading" className="text-lg font-semibold">
          Role bindings
        </h2>
        <BindingsList />
      </section>
    </div>
  );
}
