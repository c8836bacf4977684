/**
 * The on-disk workflow model (SPEC §1) as the rest of the code sees it. Loading, validation and
 * editing live beside this file; these are only the shapes.
 */

/** workflow_param.json after validation. Unknown keys are kept in `extra`. */
export interface WorkflowParam {
  workflow_id: string;
  vpc_name: string;
  is_default_vpc: string;
  subnet_name: string;
  security_group_name: string;
  ec2_iam_role_name: string;
  root_base_ami_id: string;
  root_base_ami_name: string;
  profile_name?: string | null;
  region_name?: string | null;
  aws_access_key_id?: string | null;
  aws_secret_access_key?: string | null;
  aws_session_token?: string | null;
  aws_tags: Record<string, string>;
  dynamodb_table_name?: string | null;
  incident_response_plan_arn?: string | null;
  /** Every key of the file as parsed, including unknown ones (passed to templates as they are). */
  raw: Record<string, unknown>;
  /** Keys present in the file that paw-tui does not know. */
  unknownKeys: string[];
}

export interface StepParam {
  step_id: string;
  previous_step_id: string | null;
  metadata: Record<string, unknown>;
  raw: Record<string, unknown>;
}

export interface Step {
  id: string;
  previousId: string | null;
  /** Absolute path of the step folder. */
  dir: string;
  /** The folder's own name (need not equal the id: `s01-pyenv` for `pyenv`). */
  folderName: string;
  paramPath: string;
  param: StepParam;
  /** A step without `templates/` is built by hand (SPEC §5). */
  manual: boolean;
}

export interface Workflow {
  /** Absolute path of the workflow folder. */
  dir: string;
  paramPath: string;
  param: WorkflowParam;
  /** Steps in chain order, first step first. */
  steps: Step[];
}
