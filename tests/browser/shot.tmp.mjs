import { launch, buildAndServe } from './common.mjs';
const { server, base } = await buildAndServe('example');
const browser = await launch();
const pages = ['/', '/2025/isis-defeat-not-the-end/', '/tags/', '/archive/', '/search/?q=داعش', '/2025/mixed-direction-text/'];
for (const [w, h] of [[360, 740], [1280, 900]]) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  for (const p of pages) {
    await page.goto(base + encodeURI(p));
    await page.waitForTimeout(300);
    const name = `/tmp/shots/${w}-${p.replace(/[^a-z0-9]+/gi, '_')}.png`;
    await page.screenshot({ path: name, fullPage: false });
  }
}
await browser.close(); server.close();
