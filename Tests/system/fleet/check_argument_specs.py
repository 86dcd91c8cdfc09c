#!/usr/bin/env python3
"""Checks that the Ansible role's meta/argument_specs.yml and defaults/main.yml agree.

Every default variable must be described, every described option must have a default, and the
two defaults must be equal. Usage: check_argument_specs.py ROLE_DIR. Exit 1 with each mismatch.
"""
import sys

import yaml

role = sys.argv[1]
with open(f"{role}/defaults/main.yml", encoding="utf-8") as f:
    defaults = yaml.safe_load(f) or {}
with open(f"{role}/meta/argument_specs.yml", encoding="utf-8") as f:
    options = yaml.safe_load(f)["argument_specs"]["main"]["options"]

problems = []
for name in sorted(set(defaults) - set(options)):
    problems.append(f"{name}: in defaults/main.yml but not in meta/argument_specs.yml")
for name in sorted(set(options) - set(defaults)):
    problems.append(f"{name}: in meta/argument_specs.yml but not in defaults/main.yml")
for name in sorted(set(options) & set(defaults)):
    spec = options[name]
    if "default" not in spec:
        problems.append(f"{name}: argument spec has no default (defaults/main.yml has {defaults[name]!r})")
    elif spec["default"] != defaults[name]:
        problems.append(f"{name}: argument spec default {spec['default']!r} != defaults/main.yml {defaults[name]!r}")
    if not name.startswith("saker_"):
        problems.append(f"{name}: not prefixed saker_")
for problem in problems:
    print(f"argument_specs: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"argument_specs: {len(options)} options match defaults/main.yml")
