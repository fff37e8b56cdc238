// Renders Adaptive Cards with Microsoft's official JavaScript renderer (npm `adaptivecards`, markdown
// through `markdown-it`) in headless Chromium, once per Teams theme, and saves a PNG of each.
//
//   node render.js CARDS.json OUT_DIR
//
// CARDS.json: [{"name": "...", "card": {...}}]. Chromium is Debian's /usr/bin/chromium (puppeteer-core
// never downloads a browser). Cards are parsed at their declared version, as Teams does, and any
// parse or validation message the renderer raises is printed.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const puppeteer = require("puppeteer-core");

const [cardsFile, outDir] = process.argv.slice(2);
if (!cardsFile || !outDir) {
  console.error("usage: node render.js CARDS.json OUT_DIR");
  process.exit(2);
}
const here = __dirname;
const read = (p) => fs.readFileSync(path.join(here, p), "utf8");
const THEMES = {
  light: { page: "#f5f5f5", hostConfig: JSON.parse(read("host-config/microsoft-teams-light.json")) },
  dark: { page: "#1f1f1f", hostConfig: JSON.parse(read("host-config/microsoft-teams-dark.json")) },
};

async function main() {
  const cards = JSON.parse(fs.readFileSync(cardsFile, "utf8"));
  fs.mkdirSync(outDir, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "techserv-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--user-data-dir=${profile}`],
  });
  let problems = 0;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 560, height: 800, deviceScaleFactor: 1.5 });
    page.on("console", (m) => { if (m.type() === "error") console.error("  browser:", m.text()); });
    const html = `<!doctype html><html><head><meta charset="utf-8">
      <style>${read("node_modules/adaptivecards/dist/adaptivecards.css")}
      body { margin: 0; padding: 16px; font-family: 'Segoe UI', 'DejaVu Sans', sans-serif; }
      #frame { width: 500px; border-radius: 6px; overflow: hidden; box-shadow: 0 1px 3px rgba(0,0,0,.25); }
      .ac-pushButton { padding: 6px 12px; border-radius: 4px; margin-right: 4px; font-size: 14px; }
      .ac-input { box-sizing: border-box; max-width: 100%; }
      .ac-input input, .ac-input textarea, .ac-input select { box-sizing: border-box; width: 100%; max-width: 100%; }
      /* the stock renderer gives a TextBlock's first list width:100% on top of the list's padding */
      .ac-textBlock ul, .ac-textBlock ol { box-sizing: border-box; }
      </style></head><body><div id="frame"></div></body></html>`;
    await page.setContent(html);
    await page.addScriptTag({ content: read("node_modules/markdown-it/dist/browser/markdown-it.umd.min.js") });
    await page.addScriptTag({ content: read("node_modules/adaptivecards/dist/adaptivecards.min.js") });
    for (const { name, card } of cards) {
      for (const [theme, { page: background, hostConfig }] of Object.entries(THEMES)) {
        const messages = await page.evaluate((card, hostConfig, background) => {
          const AC = window.AdaptiveCards;
          const md = window.markdownit();
          AC.AdaptiveCard.onProcessMarkdown = (text, result) => { result.outputHtml = md.render(text); result.didProcess = true; };
          document.body.style.background = background;
          // links take the theme's accent colour, as Teams styles them (the stock CSS leaves browser blue)
          const argb = (c) => c.replace(/^#([0-9a-f]{2})([0-9a-f]{6})$/i, "#$2");
          let style = document.getElementById("theme");
          if (!style) { style = document.createElement("style"); style.id = "theme"; document.head.appendChild(style); }
          style.textContent = `a { color: ${argb(hostConfig.containerStyles.default.foregroundColors.accent.default)}; }`;
          const frame = document.getElementById("frame");
          frame.innerHTML = "";
          const ac = new AC.AdaptiveCard();
          ac.hostConfig = new AC.HostConfig(hostConfig);
          // parse at the card's declared version, as Teams does: a property newer than it is reported
          const context = new AC.SerializationContext(AC.Version.parse(card.version));
          ac.parse(card, context);
          const out = [];
          for (let i = 0; i < context.eventCount; i++) out.push(context.getEventAt(i).message);
          for (const e of ac.validateProperties().validationEvents || []) out.push(e.message);
          frame.style.background = argb(hostConfig.containerStyles.default.backgroundColor);
          frame.appendChild(ac.render());
          return out;
        }, card, hostConfig, background);
        for (const m of messages) { console.error(`  ${name} (${theme}): ${m}`); problems += 1; }
        const frame = await page.$("#frame");
        await frame.screenshot({ path: path.join(outDir, `teams-${name}-${theme}.png`) });
      }
      console.log(`rendered ${name}`);
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (problems) console.error(`${problems} renderer message(s) above`);
}

main().catch((err) => { console.error(err); process.exit(1); });
