import { type Node, parseTree } from 'jsonc-parser';
import { maskHashComments } from '../jsonc.js';
import { PyDict, makeFloat, makeInt } from './values.js';

/**
 * Parses JSON (with the params files' comments) into the values Python's json module gives:
 * objects keep their key order (numeric-looking keys too), integers of any size stay exact,
 * `1.0` and `1e5` stay floats. The text was already validated by the params loader.
 */
export function pythonJson(text: string): unknown {
  const masked = maskHashComments(text);
  const tree = parseTree(masked, [], { allowTrailingComma: false, disallowComments: false });
  return tree ? fromNode(tree, masked) : undefined;
}

function fromNode(node: Node, text: string): unknown {
  switch (node.type) {
    case 'object':
      return new PyDict(
        (node.children ?? []).map((prop) => {
          const [key, value] = prop.children ?? [];
          return [key?.value, value ? fromNode(value, text) : null] as const;
        }),
      );
    case 'array':
      return (node.children ?? []).map((child) => fromNode(child, text));
    case 'number':
      return pythonNumber(text.slice(node.offset, node.offset + node.length));
    default:
      return node.value;
  }
}

export function pythonNumber(source: string): unknown {
  if (/^-?\d+$/.test(source)) return makeInt(BigInt(source));
  return makeFloat(Number(source));
}
