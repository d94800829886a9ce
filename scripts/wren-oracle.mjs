#!/usr/bin/env node
// Checks the language test cases (test/language/**/*.nest) against the Wren 0.4
// reference VM, and optionally compares µNEST's own CLI against Wren.
//
// Usage: node scripts/wren-oracle.mjs [--unest] [--verbose] [filter]
//
//   filter     only cases whose path (relative to test/language) contains it
//   --unest    also run `node dist/unest.js run <case.nest>` and compare its
//              stdout, exit code and first stderr line with Wren's (cases marked
//              `// nest-only` are checked against their own expectations)
//   --verbose  print every case, not only mismatches
//
// Environment: WREN_BUILD = path of the script that builds Wren and prints the
// binary's path (default /work/shared/peers/wren/build.sh). The project never
// depends on Wren: if the build script is missing, this prints a note and exits 0.
// UNEST_CLI = path of the CLI script used by --unest (default dist/unest.js).
//
// Case format (one expectation per line comment):
//   // expect: TEXT                 next expected stdout line
//   // expect error                 compile error on this line (exit 65)
//   // expect runtime error: MSG    runtime error MSG raised from this line (exit 70)
//   // nest-only                    Nest semantics differ from Wren: not run on Wren

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const EXIT_COMPILE = 65;
const EXIT_RUNTIME = 70;
const TIMEOUT_MS = 20_000;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const casesRoot = path.join(repoRoot, "test", "language");
const unestCli = process.env.UNEST_CLI || path.join(repoRoot, "dist", "unest.js");

// ---------------------------------------------------------------- arguments --

const argv = process.argv.slice(2);
const opts = { unest: false, verbose: false, filter: "" };
for (const arg of argv) {
  if (arg === "--unest") opts.unest = true;
  else if (arg === "--verbose" || arg === "-v") opts.verbose = true;
  else if (arg === "--help" || arg === "-h") {
    console.log("usage: node scripts/wren-oracle.mjs [--unest] [--verbose] [filter]");
    process.exit(0);
  } else if (arg.startsWith("-")) {
    console.error(`unknown option ${arg}`);
    process.exit(2);
  } else opts.filter = arg;
}

// ------------------------------------------------------------------- cases --

/** All case files under [dir], skipping folders named `_modules`. */
function findCases(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "_modules") continue;
      out.push(...findCases(full));
    } else if (entry.isFile() && entry.name.endsWith(".nest")) {
      out.push(full);
    }
  }
  return out.sort();
}

const EXPECT_OUT = /\/\/ expect: ?(.*)$/;
const EXPECT_RUNTIME = /\/\/ expect runtime error: ?(.*)$/;
const EXPECT_COMPILE = /\/\/ expect error(?!\w)/;
const NEST_ONLY = /\/\/ nest-only\b/;

/** Reads the expectations written in a case file. */
function parseCase(file) {
  const source = fs.readFileSync(file, "utf8");
  const lines = source.split(/\r?\n/);
  const expected = {
    stdout: [],
    compileErrorLines: [],
    runtimeError: null, // { line, message }
    nestOnly: false,
    problems: [],
  };
  lines.forEach((text, i) => {
    const line = i + 1;
    let m;
    if (NEST_ONLY.test(text)) expected.nestOnly = true;
    if ((m = EXPECT_RUNTIME.exec(text))) {
      if (expected.runtimeError) {
        expected.problems.push(`more than one 'expect runtime error' (line ${line})`);
      }
      expected.runtimeError = { line, message: m[1] };
    } else if ((m = EXPECT_OUT.exec(text))) {
      expected.stdout.push(m[1]);
    } else if (EXPECT_COMPILE.test(text)) {
      expected.compileErrorLines.push(line);
    }
  });
  if (expected.runtimeError && expected.compileErrorLines.length > 0) {
    expected.problems.push("mixes compile errors and a runtime error");
  }
  if (
    !expected.runtimeError &&
    expected.compileErrorLines.length === 0 &&
    expected.stdout.length === 0
  ) {
    expected.problems.push("asserts nothing (no expect comments)");
  }
  return expected;
}

function expectedExit(expected) {
  if (expected.compileErrorLines.length > 0) return EXIT_COMPILE;
  if (expected.runtimeError) return EXIT_RUNTIME;
  return 0;
}

function expectedStdout(expected) {
  return expected.stdout.length === 0 ? "" : expected.stdout.join("\n") + "\n";
}

// ------------------------------------------------------------ run results --

const COMPILE_ERROR_LINE = /^\[(.*) line (\d+)\] Error/;
const STACK_LINE = /^\[(.*) line (\d+)\] in /;

/**
 * Normalizes one run into { exit, stdout, stderr, compileErrorLines,
 * runtimeMessage, runtimeLine }. [mainModule] is the name the main file's
 * frames carry in stack traces (e.g. "./case").
 */
/** Reads `unest run` output (our format: `--> file:line:col` under each compile error, the
 *  runtime message first, then `at fn (file:line:col)` frames). */
function analyzeUnest(result, caseFile) {
  const out = analyze(result, null);
  const errLines = out.stderr.split("\n");
  const own = (f) => path.basename(f) === caseFile;
  out.compileErrorLines = [
    ...new Set(errLines.map((l) => /^\s*--> (.+):(\d+):\d+$/.exec(l)).filter((m) => m && own(m[1])).map((m) => Number(m[2]))),
  ].sort((a, b) => a - b);
  const frames = errLines.map((l) => /^\s+at .* \((.+):(\d+):\d+\)$/.exec(l)).filter(Boolean);
  const frame = frames.find((m) => own(m[1])) ?? frames[0];
  // The message is the line just above the `runtime error[R…] at` / `fatal error[R…] at`
  // line (compile errors of an imported module may come first).
  const marker = errLines.findIndex((l) => /^(runtime|fatal) error\[R\d+\] at /.test(l))
  out.runtimeMessage = out.exit === 70 && marker > 0 ? errLines[marker - 1] : null;
  out.runtimeLine = frame ? Number(frame[2]) : null;
  return out;
}

function analyze(result, mainModule) {
  const stdout = result.stdout ?? "";
  const stderr = result.stderr ?? "";
  const errLines = stderr.split("\n").filter((l) => l !== "");
  const out = {
    exit: result.status ?? (result.signal ? `signal ${result.signal}` : "?"),
    timedOut: result.error?.code === "ETIMEDOUT",
    stdout,
    stderr,
    firstStderrLine: errLines[0] ?? "",
    compileErrorLines: [],
    runtimeMessage: null,
    runtimeLine: null,
    runtimeModule: null,
  };
  for (const l of errLines) {
    const m = COMPILE_ERROR_LINE.exec(l);
    if (m && (mainModule === null || m[1] === mainModule)) {
      out.compileErrorLines.push(Number(m[2]));
    }
  }
  out.compileErrorLines = [...new Set(out.compileErrorLines)].sort((a, b) => a - b);

  // The runtime error message is the first stderr line that is neither a
  // compile error report (e.g. from an imported module) nor a stack frame.
  const msgLine = errLines.find((l) => !COMPILE_ERROR_LINE.test(l) && !STACK_LINE.test(l));
  if (msgLine !== undefined) out.runtimeMessage = msgLine;

  // The line the error was raised from: the innermost frame in the case file
  // (frames of imported modules are skipped).
  const frames = errLines
    .map((l) => STACK_LINE.exec(l))
    .filter(Boolean)
    .map((m) => ({ module: m[1], line: Number(m[2]) }));
  const own = mainModule === null ? frames[0] : frames.find((f) => f.module === mainModule);
  const frame = own ?? frames[0];
  if (frame) {
    out.runtimeLine = frame.line;
    out.runtimeModule = frame.module;
  }
  return out;
}

function show(text) {
  const s = JSON.stringify(text);
  return s.length > 300 ? s.slice(0, 297) + '..."' : s;
}

/** Differences between a run and a case's written expectations. */
function diffAgainstExpectations(run, expected) {
  const diffs = [];
  if (run.timedOut) return ["timed out"];
  const exit = expectedExit(expected);
  if (run.exit !== exit) {
    let detail = "";
    if (run.exit === EXIT_COMPILE) detail = ` (${run.firstStderrLine})`;
    else if (run.exit === EXIT_RUNTIME) detail = ` (${run.runtimeMessage} at line ${run.runtimeLine})`;
    diffs.push(`exit code ${run.exit}${detail}, expected ${exit}`);
  }
  const stdout = expectedStdout(expected);
  if (run.stdout !== stdout) {
    diffs.push(`stdout ${show(run.stdout)}, expected ${show(stdout)}`);
  }
  if (expected.compileErrorLines.length > 0 && run.exit === EXIT_COMPILE) {
    const got = run.compileErrorLines.join(",");
    const want = [...expected.compileErrorLines].sort((a, b) => a - b).join(",");
    if (got !== want) {
      diffs.push(`compile errors on lines [${got}], expected [${want}]`);
    }
  }
  if (expected.runtimeError && run.exit === EXIT_RUNTIME) {
    if (run.runtimeMessage !== expected.runtimeError.message) {
      diffs.push(
        `runtime error ${show(run.runtimeMessage)}, expected ${show(expected.runtimeError.message)}`,
      );
    }
    if (run.runtimeLine !== expected.runtimeError.line) {
      diffs.push(`runtime error at line ${run.runtimeLine}, expected line ${expected.runtimeError.line}`);
    }
  }
  return diffs;
}

/** Differences between µNEST's run and Wren's run of the same case. */
function diffAgainstWren(ours, wren) {
  const diffs = [];
  if (ours.timedOut) return ["unest timed out"];
  if (ours.exit !== wren.exit) diffs.push(`unest exit ${ours.exit}, Wren ${wren.exit}`);
  if (ours.stdout !== wren.stdout) {
    diffs.push(`unest stdout ${show(ours.stdout)}, Wren ${show(wren.stdout)}`);
  }
  if (wren.exit === EXIT_RUNTIME) {
    if (ours.runtimeMessage !== wren.runtimeMessage) {
      diffs.push(`unest runtime error ${show(ours.runtimeMessage)}, Wren ${show(wren.runtimeMessage)}`);
    }
  } else if (wren.exit === EXIT_COMPILE && ours.exit === EXIT_COMPILE) {
    // Only comparable if our compile errors use the same "[module line N]" shape.
    if (ours.compileErrorLines.length > 0) {
      const a = ours.compileErrorLines.join(",");
      const b = wren.compileErrorLines.join(",");
      if (a !== b) diffs.push(`unest compile errors on lines [${a}], Wren [${b}]`);
    }
  }
  return diffs;
}

// ----------------------------------------------------------------- running --

function buildWren() {
  const script = process.env.WREN_BUILD || "/work/shared/peers/wren/build.sh";
  if (!fs.existsSync(script)) {
    console.log(`note: Wren build script not found at ${script}; nothing to check against.`);
    process.exit(0);
  }
  const r = spawnSync("bash", [script], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`error: building Wren failed (${script}):\n${r.stderr}`);
    process.exit(2);
  }
  const lines = r.stdout.trim().split("\n");
  const bin = lines[lines.length - 1].trim();
  if (!bin || !fs.existsSync(bin)) {
    console.error(`error: Wren build script did not print a binary path (got ${show(r.stdout)})`);
    process.exit(2);
  }
  return bin;
}

/** Copies test/language into a temp dir, renaming *.nest to *.wren. */
function mirrorTree(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    if (entry.isDirectory()) {
      mirrorTree(from, path.join(dst, entry.name));
    } else if (entry.isFile()) {
      const name = entry.name.endsWith(".nest") ? entry.name.slice(0, -5) + ".wren" : entry.name;
      fs.copyFileSync(from, path.join(dst, name));
    }
  }
}

/**
 * Runs [command] on a case. The working directory is the case's folder and the
 * file is passed by its bare name, so Wren's test driver names the main module
 * "./<case>" and resolves `import "./x"` to "./x.wren" next to it.
 */
function runIn(dir, command, args) {
  return spawnSync(command, args, {
    cwd: dir,
    encoding: "utf8",
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function main() {
  if (!fs.existsSync(casesRoot)) {
    console.log(`note: no cases folder at ${path.relative(process.cwd(), casesRoot)}`);
    process.exit(0);
  }
  const wren = buildWren();
  let haveUnest = false;
  if (opts.unest) {
    haveUnest = fs.existsSync(unestCli);
    if (!haveUnest) {
      console.log(
        `note: ${path.relative(process.cwd(), unestCli)} is missing (run \`npm run build\`); ` +
          "only checking the cases against Wren.",
      );
    }
  }

  const files = findCases(casesRoot).filter((f) =>
    path.relative(casesRoot, f).split(path.sep).join("/").includes(opts.filter),
  );

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wren-oracle-"));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.on("exit", cleanup);
  mirrorTree(casesRoot, tmp);

  let checked = 0;
  let matching = 0;
  let differing = 0;
  let skipped = 0;
  let broken = 0;
  const unestStats = { checked: 0, matching: 0, differing: 0 };

  for (const file of files) {
    const rel = path.relative(casesRoot, file).split(path.sep).join("/");
    const display = path.relative(process.cwd(), file) || rel;
    const expected = parseCase(file);

    if (expected.problems.length > 0) {
      broken++;
      console.log(`BAD  ${display}: ${expected.problems.join("; ")}`);
    }

    const base = path.basename(file, ".nest");
    const mainModule = `./${base}`;

    let wrenRun = null;
    if (expected.nestOnly) {
      skipped++;
      if (opts.verbose) console.log(`skip ${display} (nest-only)`);
    } else {
      checked++;
      const copyDir = path.join(tmp, path.dirname(rel));
      const result = runIn(copyDir, wren, [`${base}.wren`]);
      wrenRun = analyze(result, mainModule);
      const diffs = diffAgainstExpectations(wrenRun, expected);
      if (diffs.length === 0) {
        matching++;
        if (opts.verbose) console.log(`ok   ${display}`);
      } else {
        differing++;
        console.log(`DIFF ${display}: ${diffs.join("; ")}`);
        if (opts.verbose && wrenRun.stderr) {
          console.log(wrenRun.stderr.replace(/^/gm, "       | ").trimEnd());
        }
      }
    }

    if (opts.unest && haveUnest) {
      unestStats.checked++;
      // Limits a case asks for in its header (test/language/harness.ts) become CLI flags;
      // a case that needs one the CLI has no flag for is only checked in process.
      const header = fs.readFileSync(file, "utf8").split("\n").filter((l) => /^\/\/ [a-z-]+: \d+$/.test(l.trim()));
      const flags = [];
      let unsupported = false;
      for (const line of header) {
        const [, name, value] = /^\/\/ ([a-z-]+): (\d+)$/.exec(line.trim());
        if (name === "gas-limit" || name === "memory-limit") flags.push(`--${name}`, value);
        else unsupported = true;
      }
      if (unsupported) {
        unestStats.checked--;
        if (opts.verbose) console.log(`skip ${display} (unest: a limit the CLI does not set)`);
        continue;
      }
      const result = runIn(path.dirname(file), process.execPath, [unestCli, "run", ...flags, `${base}.nest`]);
      const ours = analyzeUnest(result, `${base}.nest`);
      // Against Wren when Wren can run the case; otherwise against the file.
      const diffs = wrenRun ? diffAgainstWren(ours, wrenRun) : diffAgainstExpectations(ours, expected);
      if (diffs.length === 0) {
        unestStats.matching++;
        if (opts.verbose) console.log(`ok   ${display} (unest)`);
      } else {
        unestStats.differing++;
        console.log(`UNEST ${display}: ${diffs.join("; ")}`);
      }
    }
  }

  console.log(
    `${checked} cases, ${matching} match Wren, ${differing} differ` +
      (skipped ? ` (${skipped} nest-only skipped)` : "") +
      (broken ? `, ${broken} malformed` : ""),
  );
  if (opts.unest && haveUnest) {
    console.log(
      `unest: ${unestStats.checked} cases, ${unestStats.matching} match, ${unestStats.differing} differ`,
    );
  }
  const failed = differing > 0 || broken > 0 || (opts.unest && unestStats.differing > 0);
  process.exitCode = failed ? 1 : 0;
}

main();
