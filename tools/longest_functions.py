#!/usr/bin/env python3
"""The longest functions in C++ files formatted by the repository's .clang-format (a definition
opens at the start of a line and its body closes with a '}' at the same indentation), longest
first: `tools/longest_functions.py [--top N] [--over LINES] [PATH ...]` (default: src/)."""
import argparse
import os
import re

SIGNATURE = re.compile(r'^( *)[A-Za-z_][\w:<>,\*& ]*[\w\]>)]\s*\(.*\)\s*(const\s*)?(override\s*)?\{\s*$|'
                       r'^( *)[A-Za-z_][\w:<>,\*& ]*[\w>]\s*\(.*,\s*$')


def functions(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        m = SIGNATURE.match(line)
        if not m or line.lstrip().startswith(('if ', 'for ', 'while ', 'switch ', 'return ', 'else')):
            i += 1
            continue
        indent = len(line) - len(line.lstrip())
        start = i
        while i < len(lines) and not lines[i].rstrip().endswith('{'):  # a signature over lines
            i += 1
        end = i + 1
        while end < len(lines) and lines[end] != ' ' * indent + '}' and not lines[end].startswith(' ' * indent + '};'):
            end += 1
        if end < len(lines):
            name = re.search(r'([\w:~]+)\s*\(', line)
            yield (end - start + 1, f'{path}:{start + 1}', name.group(1) if name else line.strip())
        i = end + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('paths', nargs='*', default=['src'])
    ap.add_argument('--top', type=int, default=10)
    ap.add_argument('--over', type=int, default=0, help='only functions longer than this')
    args = ap.parse_args()
    found = []
    for root in args.paths:
        for folder, _, names in os.walk(root) if os.path.isdir(root) else [('', [], [root])]:
            for n in names:
                if n.endswith(('.cpp', '.h')):
                    found.extend(functions(os.path.join(folder, n)))
    found = sorted((f for f in found if f[0] > args.over), reverse=True)
    for length, where, name in found[:args.top] if not args.over else found:
        print(f'{length:5d}  {name}  {where}')


if __name__ == '__main__':
    main()
