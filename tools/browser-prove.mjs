// Proves an input on a site written by `zokml export-web`, in a real browser: serves the site from
// 127.0.0.1 (a random port), opens it in headless Chromium (puppeteer-core), waits for the prover
// to load, gives the page its input as a person would, presses Prove, waits for the proof and
// downloads proof.json. The input: on an image site a 3 drawn with mouse strokes; on a values
// site the numbers of --values typed into the form's fields, or the file --record picked.
//
//   node tools/browser-prove.mjs --site DIR --proof FILE [--values X,Y,...|--record FILE]
//                                [--screenshot FILE] [--chromium PATH] [--timeout SECONDS]
//
// Prints one JSON object: {"class", "pixels" (the grey levels the page proved, image sites),
// "values" (the numbers, values sites), "input" (the circuit's integers), "load_s" (page open to
// prover loaded), "prove_s" (the click on Prove to the download link), "witness_s", "proof_s",
// "requests" (what the server was asked, in order), "requests_after_prove", "policy": the
// directive that refused a fetch to another origin tried in the page and in its worker,
// "visible": the input sections shown, ["image-input"] or ["values-input"]}. When the
// page refuses the input (Prove stays off), it prints {"refused": the page's reason} instead and
// proves nothing. Exits 1 with the reason on stderr when the page fails, asks another origin for
// anything, or runs out of time.
// Chromium: --chromium, else $CHROMIUM, else /usr/bin/chromium (scripts/setup.sh installs it).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

// A 3 in the pad's unit square, one stroke: the points the pen passes through.
const THREE = [
  [0.3, 0.22], [0.42, 0.15], [0.56, 0.14], [0.67, 0.2], [0.7, 0.3], [0.64, 0.4], [0.5, 0.46],
  [0.64, 0.52], [0.72, 0.62], [0.71, 0.74], [0.62, 0.83], [0.48, 0.86], [0.33, 0.8],
];

function parseArgs(argv) {
  const options = { chromium: process.env.CHROMIUM || "/usr/bin/chromium", timeout: "300" };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!["site", "proof", "values", "record", "screenshot", "chromium", "timeout"].includes(name) || i + 1 >= argv.length)
      throw new Error(
        `usage: node browser-prove.mjs --site DIR --proof FILE [--values X,Y,...|--record FILE] [--screenshot FILE] [--chromium PATH] [--timeout SECONDS] (at '${argv[i]}')`,
      );
    options[name] = argv[i + 1];
  }
  if (!options.site || !options.proof) throw new Error("--site DIR and --proof FILE are required");
  return { ...options, timeout: Number(options.timeout) * 1000 };
}

// A static server for the site, as any web server would serve it; it logs what it is asked.
function serve(root) {
  const log = [];
  const server = http.createServer((request, response) => {
    log.push({ at: performance.now(), line: `${request.method} ${request.url}` });
    const pathname = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const file = path.resolve(root, "." + (pathname.endsWith("/") ? pathname + "index.html" : pathname));
    if (request.method !== "GET" || !file.startsWith(root + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream", "X-Content-Type-Options": "nosniff" });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, log, origin: `http://127.0.0.1:${server.address().port}` })));
}

// Types the numbers into the form's fields, one key at a time.
async function typeValues(page, values) {
  const fields = await page.$$("#values input");
  if (fields.length !== values.length) throw new Error(`the page has ${fields.length} fields, --values gives ${values.length}`);
  for (let i = 0; i < values.length; i++) await fields[i].type(values[i]);
}

async function drawThree(page) {
  const box = await page.$eval("#pad", (pad) => {
    const r = pad.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  });
  const at = ([u, v]) => [box.x + u * box.width, box.y + v * box.height];
  await page.mouse.move(...at(THREE[0]));
  await page.mouse.down();
  for (const point of THREE.slice(1)) await page.mouse.move(...at(point), { steps: 6 });
  await page.mouse.up();
}

// The directive that refuses a fetch to another origin from the page or its worker (null: none
// did, within two seconds), with the listener on the page's window or the worker's global scope.
function refusal(context) {
  return context.evaluate(
    () =>
      new Promise((resolve) => {
        self.addEventListener("securitypolicyviolation", (e) => resolve(e.effectiveDirective), { once: true });
        fetch("http://127.0.0.2:9/").catch(() => {});
        setTimeout(() => resolve(null), 2000);
      }),
  );
}

// Clicks the download link and waits for Chromium to save proof.json into dir.
async function download(browser, page, dir) {
  const session = await browser.target().createCDPSession();
  await session.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: dir, eventsEnabled: true });
  const done = new Promise((resolve, reject) =>
    session.on("Browser.downloadProgress", (event) => {
      if (event.state === "completed") resolve();
      if (event.state === "canceled") reject(new Error("the download of proof.json was canceled"));
    }),
  );
  await page.click("#download");
  await done;
  return path.join(dir, "proof.json");
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const root = fs.realpathSync(o.site);
  const { server, log, origin } = await serve(root);
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "zokml-browser-"));
  const browser = await puppeteer.launch({
    executablePath: o.chromium,
    headless: true,
    // As root Chromium needs --no-sandbox; containers often have a small /dev/shm.
    args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 900, height: 800 });
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    let probing = false;  // the refusals below are expected console errors
    page.on("console", (m) => m.type() === "error" && !probing && problems.push(`console: ${m.text()}`));
    page.on("request", (r) => !r.url().startsWith(origin) && !/^(blob|data):/.test(r.url()) && problems.push(`asked another origin: ${r.url()}`));
    const check = () => {
      if (problems.length) throw new Error(problems.join("\n"));
    };

    await page.goto(`${origin}/`, { waitUntil: "load" });
    const wait = (statuses) =>
      page.waitForFunction((s) => s.includes(window.zokml?.status), { timeout: o.timeout, polling: 50 }, statuses);
    await wait(["ready", "error"]);
    const [worker] = page.workers();
    probing = true;
    const policy = { page: await refusal(page), worker: worker ? await refusal(worker) : null };
    probing = false;
    await page.waitForFunction(() => !document.getElementById("image-input").hidden || !document.getElementById("values-input").hidden, {
      timeout: o.timeout,
      polling: 50,
    });
    const kind = await page.evaluate(() => (document.getElementById("values-input").hidden ? "image" : "values"));
    // The input sections a person sees (laid out, not only unhidden).
    const visible = await page.evaluate(() =>
      ["image-input", "values-input"].filter((id) => document.getElementById(id).getClientRects().length > 0),
    );
    if (kind === "image") await drawThree(page);
    else if (o.values !== undefined) await typeValues(page, o.values.split(","));
    else if (o.record !== undefined) {
      await (await page.$("#record")).uploadFile(path.resolve(o.record));
      await page.waitForFunction(() => window.zokml.input || window.zokml.input_error, { timeout: o.timeout, polling: 50 });
    } else throw new Error("the site asks for values: give --values X,Y,... or --record FILE");
    check();
    const given = await page.evaluate(() => window.zokml);
    if (!given.input) {
      if (!given.input_error) throw new Error("the page has no input to prove and says nothing about it");
      if (await page.$eval("#prove", (b) => !b.disabled)) throw new Error("the page refused the input but Prove is on");
      if (o.screenshot) await page.screenshot({ path: o.screenshot, fullPage: true });
      process.stdout.write(JSON.stringify({ refused: given.input_error, visible, shown: await page.$eval("#input-error", (e) => e.textContent) }) + "\n");
      return;
    }
    const clicked = performance.now();
    await page.click("#prove");
    await wait(["done", "error"]);
    const state = await page.evaluate(() => window.zokml);
    if (state.status === "error") throw new Error(`the page failed: ${state.error}`);
    if (o.screenshot) await page.screenshot({ path: o.screenshot, fullPage: true });
    fs.copyFileSync(await download(browser, page, downloads), o.proof);
    check();
    process.stdout.write(
      JSON.stringify({
        class: state.class,
        pixels: state.pixels,
        values: state.values,
        input: state.input,
        load_s: state.load_s,
        prove_s: state.prove_s,
        witness_s: state.witness_s,
        proof_s: state.proof_s,
        requests: log.map((r) => r.line),
        requests_after_prove: log.filter((r) => r.at >= clicked).length,
        policy,
        visible,
      }) + "\n",
    );
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(downloads, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`browser-prove: ${e?.message ?? e}\n`);
  process.exit(1);
});
