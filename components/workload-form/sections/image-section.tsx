"use client";

import { CheckboxInput, SelectInput, TextInput } from "../controls";
import { Section } from "../section";

/** Where it runs, from what image, under what name. */
export function ImageSection({
  environments,
  images,
  imagesHint,
  listId,
}: {
  environments: { id: string; name: string }[];
  /** the chosen host's image tags, offered as you type */
  images: string[];
  imagesHint: string;
  /** the id of the images' datalist */
  listId: string;
}) {
  return (
    <Section title="Image and name">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectInput name="environmentId" label="Environment" hint="Only environments where you may create containers.">
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
        <TextInput name="name" label="Name" placeholder="Left empty: Docker picks one" spellCheck={false} />
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
