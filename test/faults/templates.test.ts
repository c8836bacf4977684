import { runCases } from './harness.js';
import { templatesCases } from './templates.cases.js';

runCases('templates', templatesCases);
