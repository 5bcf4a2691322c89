#!/usr/bin/env node
// Thin launcher so `npx herald` runs the built CLI.
import '../dist/cli.js';
