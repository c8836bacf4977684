import { runCases } from './harness.js';
import { usageCases } from './usage.cases.js';

runCases('usage', usageCases);
