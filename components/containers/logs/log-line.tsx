// One log line as text: ANSI colours turned into styled spans (anser parses the escape codes;
// we render its segments as React elements, never as HTML), search hits marked.
import Anser from "anser";
import { memo, type CSSProperties, type ReactNode } from "react";

const ESC = "\u001b";

interface Segment {
  text: string;
  style?: CSSProperties;
}

function segmentsOf(text: string): Segment[] {
  if (!text.includes(ESC)) return [{ text }];
  return Anser.ansiToJson(text, { json: true, remove_empty: true }).map((entry) => {
    const style: CSSProperties = {};
    if (entry.fg) style.color = `rgb(${entry.fg})`;
    if (entry.bg) style.backgroundColor = `rgb(${entry.bg})`;
    const decorations = entry.decorations;
    if (decorations.includes("bold")) style.fontWeight = 600;
    if (decorations.includes("dim")) style.opacity = 0.7;
    if (decorations.includes("italic")) style.fontStyle = "italic";
    if (decorations.includes("underline")) style.textDecoration = "underline";
    if (decorations.includes("strikethrough")) style.textDecoration = "line-through";
    return { text: entry.content, style: Object.keys(style).length ? style : undefined };
  });
}

/** Text without escape codes, for a copy or a search that should not see them. */
export function plainText(text: string): string {
  return text.includes(ESC) ? Anser.ansiToText(text) : text;
}

function marked(text: string, needle: string, key: number): ReactNode {
  if (!needle) return text;
  const lower = text.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(
      <mark key={`${key}-${at}`} className="rounded-sm bg-highlight text-on-highlight">
        {text.slice(at, at + needle.length)}
      </mark>,
    );
    from = at + needle.length;
  }
  if (!parts.length) return text;
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

export const LogText = memo(function LogText({ text, needle }: { text: string; needle: string }) {
  const lowerNeedle = needle.toLowerCase();
  return (
    <>
      {segmentsOf(text).map((segment, i) =>
        segment.style ? (
          <span key={i} style={segment.style}>
            {marked(segment.text, lowerNeedle, i)}
          </span>
        ) : (
          <span key={i}>{marked(segment.text, lowerNeedle, i)}</span>
        ),
      )}
    </>
  );
});
