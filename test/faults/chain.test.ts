import { runCases } from './harness.js';
import { chainCases } from './chain.cases.js';

runCases('chain', chainCases);
