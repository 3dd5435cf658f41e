// Node, preloaded (`node -r bench/rusage.cjs`) into each process bench/check.bench.ts measures: on exit it
// writes the process's own resource usage (peak RSS, CPU) to the file named by CXBUS_BENCH_RUSAGE.
'use strict'
const { writeFileSync } = require('node:fs')
const file = process.env.CXBUS_BENCH_RUSAGE
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())))
