"use client";

import { CheckboxInput, SelectInput, TextInput } from "../controls";
import { Section } from "../section";

/** Where it runs, from what image, under what name. */
export function ImageSection({
  environments,
  images,
  imagesHint,
  listId,
  fixedName,
}: {
  environments: { id: string; name: string }[];
  /** the chosen host's image tags, offered as you type */
  images: string[];
  imagesHint: string;
  /** the id of the images' datalist */
  listId: string;
  /** a replacement keeps its container's name (and host): both are shown, not edited */
  fixedName?: string;
}) {
  return (
    <Section title="Image and name">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectInput
          name="environmentId"
          label="Environment"
          hint={
            fixedName
              ? "A replacement runs where the old one does."
              : "Only environments where you may create containers."
          }
        >
          <option value="">Choose…</option>
          {environments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </SelectInput>
        <div>
          <TextInput
            name="image"
            label="Image"
            list={listId}
            placeholder="e.g. nginx:1.27"
            spellCheck={false}
            hint={imagesHint}
            required
          />
          <datalist id={listId}>
            {images.map((tag) => (
              <option key={tag} value={tag} />
            ))}
          </datalist>
        </div>
        {fixedName !== undefined ? (
          <TextInput name="name" label="Name" readOnly hint={`The new container takes the name ${fixedName}.`} />
        ) : (
          <TextInput name="name" label="Name" placeholder="Left empty: Docker picks one" spellCheck={false} />
        )}
        <div className="self-end pb-1">
          <CheckboxInput
            name="start"
            label="Start after create"
            description="Like docker run; off, like docker create."
          />
        </div>
      </div>
    </Section>
  );
}
