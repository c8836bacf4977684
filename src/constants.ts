/** Defaults the subcommands, the app and the scaffolds share. */

/** The catalog table when workflow_param.json names none (the Python library's name). */
export const DEFAULT_TABLE_NAME = 'paw_ami_catalog';

/** The instance type of a manual launch when none is chosen. */
export const DEFAULT_INSTANCE_TYPE = 't3.micro';
