#!/usr/bin/env node
// The `chaindns` command. It is committed executable and exists before the build, so
// `npm ci` links node_modules/.bin/chaindns to a file it can run; the build fills in what it imports.
import '../dist/src/cli.js';
