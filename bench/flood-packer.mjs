#!/usr/bin/env node
// The sandbox's simulated packer with a flood in front, for the build-screen measure (PAW_PACKER):
// `packer build` first writes the generated log as fast as the terminal takes it (stamped,
// log-flood.mjs), then runs the simulated packer's own build, which makes the AMI. Every other
// command is the simulated packer's.
//   PAW_BENCH_FAKE_PACKER   dist/fake-packer.js
//   PAW_BENCH_FLOOD_LOG     the log to write; PAW_BENCH_FLOOD_STAMPS where its stamps go
import { spawn } from 'node:child_process';
import { flood } from './log-flood.mjs';

const args = process.argv.slice(2);
if (args[0] === 'build' && process.env.PAW_BENCH_FLOOD_LOG) await flood(process.env.PAW_BENCH_FLOOD_LOG, process.env.PAW_BENCH_FLOOD_STAMPS);
const packer = spawn(process.execPath, [process.env.PAW_BENCH_FAKE_PACKER, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => packer.kill(signal));
packer.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
