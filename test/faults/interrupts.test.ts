import { runCases } from './harness.js';
import { interruptsCases } from './interrupts.cases.js';

runCases('interrupts and crashes', interruptsCases);
