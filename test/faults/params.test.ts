import { runCases } from './harness.js';
import { paramsCases } from './params.cases.js';

runCases('params files', paramsCases);
