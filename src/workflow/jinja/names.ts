/**
 * What jinja2 3.1 knows by name, and what nunjucks adds that jinja2 does not have. The engine
 * refuses nunjucks' extras at render time; the template lint names them wherever they are
 * written, since jinja2 refuses them when it compiles the template, even in a branch never taken.
 */
export const JINJA2_FILTERS = new Set([
  'abs', 'attr', 'batch', 'capitalize', 'center', 'count', 'd', 'default', 'dictsort', 'e', 'escape', 'filesizeformat', 'first',
  'float', 'forceescape', 'format', 'groupby', 'indent', 'int', 'items', 'join', 'last', 'length', 'list', 'lower', 'map', 'max',
  'min', 'pprint', 'random', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select', 'selectattr', 'slice', 'sort',
  'string', 'striptags', 'sum', 'title', 'tojson', 'trim', 'truncate', 'unique', 'upper', 'urlencode', 'urlize', 'wordcount',
  'wordwrap', 'xmlattr',
]);

export const JINJA2_TESTS = new Set([
  'boolean', 'callable', 'defined', 'divisibleby', 'eq', 'equalto', 'escaped', 'even', 'false', 'filter', 'float', 'ge',
  'greaterthan', 'gt', 'in', 'integer', 'iterable', 'le', 'lessthan', 'lower', 'lt', 'mapping', 'ne', 'none', 'number', 'odd',
  'sameas', 'sequence', 'string', 'test', 'true', 'undefined', 'upper',
]);

/** Filters of paw-tui's own (SPEC §2), not jinja2's. */
export const PAW_FILTERS = new Set(['hcl']);

export const NUNJUCKS_ONLY_FILTERS = ['dump', 'nl2br'];
export const NUNJUCKS_ONLY_TESTS = ['falsy', 'truthy', 'null'];
