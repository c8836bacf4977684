import { runCases } from './harness.js';
import { namesCases } from './names.cases.js';

runCases('names', namesCases);
