// Drives the web console in a real browser (Debian's chromium, headless) against a running pair:
// a wrong token is refused with a message, the right one logs in, both nodes are shown with their
// roles, "Switch over" + confirm swaps the roles on the page. Run by src-it's ConsoleBrowserTest,
// which starts the two daemons; by hand:
//
//   CONSOLE_URL=http://127.0.0.1:7412/console/ TOKEN_FILE=config/demo/data/node-a/admin.token \
//   SCREENSHOTS=/tmp/shots node console.test.mjs
//
// The token is read from its file here, so it is in no command line and no URL. Exit 0 when every
// step passed; otherwise a message, a screenshot "failure.png", and exit 1.

import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const url = required("CONSOLE_URL");
const token = readFileSync(required("TOKEN_FILE"), "utf8").trim();
const shots = required("SCREENSHOTS");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const STEP_MS = 30_000;

function required(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`console-test: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

function log(message) {
  console.log(`console-test: ${message}`);
}

mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: browserPath,
  headless: true,
  // Root in CI: chromium's sandbox needs user namespaces it may not get there.
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const problems = [];
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 40[139]/.test(m.text())) problems.push(`page console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(new URL(url).origin)) problems.push(`request to elsewhere: ${r.url()}`);
    if (r.url().includes(token)) problems.push(`token in a URL: ${r.url()}`);
  });

  await page.goto(url);
  await page.locator("#login").waitFor({ state: "visible" });

  // 1. A wrong token is refused, with the message shown and no session.
  await page.fill("#token", "wrong-" + token.slice(6));
  await page.click("#login-button");
  const error = page.locator("#login-error");
  await error.waitFor({ state: "visible" });
  const errorText = await error.textContent();
  if (!errorText.includes("wrong token")) throw new Error(`wrong token: unexpected message '${errorText}'`);
  if ((await context.cookies()).length !== 0) throw new Error("a wrong token got a cookie");
  await page.screenshot({ path: join(shots, "01-wrong-token.png"), fullPage: true });
  log(`wrong token refused: ${errorText}`);

  // 2. The right token logs in; the cookie is HttpOnly and SameSite=Strict.
  await page.fill("#token", token);
  await page.click("#login-button");
  await page.locator("#console").waitFor({ state: "visible" });
  const cookies = await context.cookies();
  if (cookies.length !== 1 || !cookies[0].httpOnly || cookies[0].sameSite !== "Strict") {
    throw new Error(`unexpected cookies: ${JSON.stringify(cookies.map((c) => ({ ...c, value: "..." })))}`);
  }
  if ((await page.content()).includes(token)) throw new Error("the token is in the page");

  // 3. Both nodes, with their roles (the peer's from its own account, once it has arrived).
  const roles = async () => ({
    self: (await page.locator("#node-self .node-id").textContent()).trim(),
    selfState: (await page.locator("#node-self .node-state").textContent()).trim(),
    peer: (await page.locator("#node-peer .node-id").textContent()).trim(),
    peerState: (await page.locator("#node-peer .node-state").textContent()).trim(),
  });
  const settled = (r) =>
    ["PRIMARY", "BACKUP"].includes(r.selfState) &&
    ["PRIMARY", "BACKUP"].includes(r.peerState) &&
    r.selfState !== r.peerState;
  let before = await waitFor(roles, settled, "both nodes shown, one PRIMARY and one BACKUP");
  await page.locator("#live.on").waitFor();
  await page.locator("#timeline li").first().waitFor();
  await waitFor(
    async () => page.locator("#rtt-main, #rtt-aux").evaluateAll((ls) => ls.map((l) => l.getAttribute("points")).join(" ").trim()),
    (points) => points.length > 0,
    "a ping round trip in the chart",
  );
  await page.screenshot({ path: join(shots, "02-pair.png"), fullPage: true });
  log(`both nodes shown: ${before.self} ${before.selfState}, ${before.peer} ${before.peerState}`);

  // 4. Switch over: the confirmation first, then the roles swap on the page.
  await page.click("#switch");
  await page.locator("#confirm[open]").waitFor();
  await page.screenshot({ path: join(shots, "03-confirm.png"), fullPage: true });
  await page.click("#confirm-yes");
  await page.locator("#command-progress").waitFor({ state: "visible" });
  const swapped = await waitFor(
    roles,
    (r) => r.selfState === before.peerState && r.peerState === before.selfState,
    "the roles swapped",
  );
  await waitFor(
    () => page.locator("#command-progress").textContent(),
    (t) => t.includes("done after"),
    "the switchover's progress to end",
  );
  const progressText = await page.locator("#command-progress").textContent();
  if (await page.locator("#command-refusal").isVisible()) {
    throw new Error(`refused: ${await page.locator("#command-refusal").textContent()}`);
  }
  await page.screenshot({ path: join(shots, "04-switched.png"), fullPage: true });
  log(`roles swapped: ${swapped.self} ${swapped.selfState}, ${swapped.peer} ${swapped.peerState}`);
  log(`progress shown: ${progressText.replace(/\n/g, " | ")}`);

  if (problems.length) throw new Error(problems.join("; "));
  log("ok");
} catch (e) {
  console.error(`console-test: FAILED: ${e.message}`);
  for (const p of problems) console.error(`console-test: ${p}`);
  if (page) await page.screenshot({ path: join(shots, "failure.png"), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}

async function waitFor(read, ok, what) {
  const deadline = Date.now() + STEP_MS;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(last)}`);
}
