"""Tests of scripts/licences.py: expressions, licence texts and an npm lock, against the
project's own scripts/licences.toml.

    python3 -m unittest discover -s scripts -p 'licences_test.py'
"""

import json
import tempfile
import unittest
from pathlib import Path

import licences

POLICY = licences.Policy(Path(__file__).resolve().parent / "licences.toml")


class Expressions(unittest.TestCase):
    def test_allowed_alone_or_as_one_choice(self):
        for expr in ["MIT", "MIT OR Apache-2.0", "MIT/Apache-2.0", "(MIT OR Apache-2.0) AND Unicode-3.0",
                     "Apache-2.0 WITH LLVM-exception OR MIT", "MIT OR Apache-2.0 OR LGPL-2.1-or-later",
                     "MIT OR GPL-2.0"]:
            self.assertIsNone(POLICY.verdict(expr), expr)

    def test_copyleft_without_a_permissive_choice_is_denied(self):
        for expr in ["GPL-3.0", "AGPL-3.0-only", "LGPL-2.1+", "SSPL-1.0", "MIT AND GPL-2.0-or-later",
                     "GPL-2.0 WITH Classpath-exception-2.0", "(MIT OR Apache-2.0) AND LGPL-3.0"]:
            why = POLICY.verdict(expr)
            self.assertIsNotNone(why, expr)
            self.assertIn("denied", why)

    def test_unknown_and_malformed_fail_saying_so(self):
        self.assertIn("not in the allowed list", POLICY.verdict("Proprietary"))
        self.assertIn("not an SPDX expression", POLICY.verdict("MIT OR (Apache-2.0"))
        self.assertIn("not an SPDX expression", POLICY.verdict("SEE LICENSE IN LICENSE.md"))


class Texts(unittest.TestCase):
    def test_licence_texts(self):
        self.assertEqual(licences.recognise("Apache License\nVersion 2.0, January 2004"), {"Apache-2.0"})
        self.assertEqual(licences.recognise("  GNU AFFERO GENERAL PUBLIC LICENSE\n Version 3"), {"AGPL-3.0"})
        self.assertEqual(licences.recognise(
            "Permission is hereby granted, free of charge, to any person obtaining a copy"), {"MIT"})

    def test_mpl_naming_its_secondary_licences_is_not_copyleft(self):
        mpl = ("Mozilla Public License, version 2.0\n1.12. \u201cSecondary License\u201d\n means either the "
               "GNU General Public License, Version 2.0, the GNU Lesser General Public License, Version 2.1, "
               "the GNU Affero General Public License, Version 3.0, or any later versions of those licenses.")
        self.assertEqual(licences.recognise(mpl), {"MPL-2.0"})


class Npm(unittest.TestCase):
    def test_installed_package_json_wins_over_the_lock(self):
        with tempfile.TemporaryDirectory() as d:
            lock = Path(d) / "package-lock.json"
            lock.write_text(json.dumps({"packages": {
                "": {"name": "frontend"},
                "node_modules/a": {"version": "1.0.0", "license": "MIT"},
                "node_modules/a/node_modules/@s/b": {"version": "2.0.0", "license": "MIT"},
                "node_modules/c": {"version": "3.0.0", "license": "ISC"},
            }}))
            for key, manifest in {"node_modules/a": {"license": "MIT"},
                                  "node_modules/a/node_modules/@s/b": {"license": {"type": "GPL-3.0"}}}.items():
                (Path(d) / key).mkdir(parents=True)
                (Path(d) / key / "package.json").write_text(json.dumps(manifest))
            got = {n: lic for n, _, lic in licences.npm_packages(lock, installed=True)}
            self.assertEqual(got, {"a": "MIT", "@s/b": "GPL-3.0", "c": "ISC"})
            self.assertIn("denied", POLICY.verdict(got["@s/b"]))


if __name__ == "__main__":
    unittest.main()
