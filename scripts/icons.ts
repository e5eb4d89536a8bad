// npm run icons: renders public/logo.svg into the PNG and ICO icons browsers and home screens
// ask for (public/), in Debian's Chromium (CHROMIUM_PATH), so every icon is the same drawing.
// Run it after changing the logo and commit what it writes.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "@playwright/test";

const publicDir = path.resolve(import.meta.dirname, "../public");
const svg = await readFile(path.join(publicDir, "logo.svg"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const page = await browser.newPage();

/** The logo drawn at size x size; `padding` (a fraction) keeps a maskable icon's safe zone. */
async function render(size: number, options: { padding?: number; background?: string } = {}): Promise<Buffer> {
  const inner = Math.round(size * (1 - 2 * (options.padding ?? 0)));
  // Chromium keeps a window some hundred pixels wide at least: draw in a corner and clip.
  await page.setViewportSize({ width: Math.max(size, 512), height: Math.max(size, 512) });
  await page.setContent(
    `<html><body style="margin:0;display:grid;place-items:center;width:${size}px;height:${size}px;background:${options.background ?? "transparent"}">` +
      `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}" width="${inner}" height="${inner}"></body></html>`,
  );
  return page.screenshot({
    omitBackground: !options.background,
    type: "png",
    clip: { x: 0, y: 0, width: size, height: size },
  });
}

/** An .ico holding PNG images (every browser since IE 11 reads them). */
function ico(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

const sizes = [16, 32, 48];
const favicon = ico(await Promise.all(sizes.map(async (size) => ({ size, png: await render(size) }))));
await writeFile(path.join(publicDir, "favicon.ico"), favicon);
// Home screens: iOS fills transparency with black, so the touch icon gets the page's white.
await writeFile(
  path.join(publicDir, "apple-touch-icon.png"),
  await render(180, { background: "#ffffff", padding: 0.06 }),
);
await writeFile(path.join(publicDir, "icon-192.png"), await render(192));
await writeFile(path.join(publicDir, "icon-512.png"), await render(512));
// Maskable: launchers crop to a circle or squircle; the drawing stays inside the middle 80 %.
await writeFile(
  path.join(publicDir, "icon-maskable-512.png"),
  await render(512, { background: "#0369a1", padding: 0.1 }),
);
await browser.close();
console.log(`icons written to ${publicDir}`);
