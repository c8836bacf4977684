import { awsCases } from './aws.cases.js';
import { runCases } from './harness.js';

runCases('aws errors', awsCases);
