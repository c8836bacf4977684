import { runCases } from './harness.js';
import { packerCases } from './packer.cases.js';

runCases('packer', packerCases);
