#!/usr/bin/env node
// Entry point of the `shoal` command: the bundled agent CLI lives in dist/ (built by `npm run build`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'shoal.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(
    `shoal: ${bundle} is missing; run "npm run build" in ${path.dirname(__dirname)} first\n`,
  );
  process.exit(1);
}
require(bundle);
