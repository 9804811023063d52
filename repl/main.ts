#!/usr/bin/env node
// The `eddy` command from its modules; repl/eddy starts it from a startup snapshot where it can (repl/snapshot.ts).
import { runCli } from './cli.js';

runCli(process.argv.slice(2));
