"""Read the log of an Odoo 18 ``-i MODULE --test-tags /MODULE --stop-after-init`` run.

Used by ``scripts/test`` (stdlib only, any Python 3.8+)::

    python3 scripts/lib/odoo_log.py LOGFILE MODULE ODOO_EXIT_CODE

Prints the reasons of a failure (failing tests with their traceback, unexpected
ERROR/CRITICAL lines, warnings of the install) and, as its last line::

    RESULT run=<n> passed=<n> failed=<n> skipped=<n>

Counting rules:

* Odoo's closing line ``<F> failed, <E> error(s) of <N> tests when loading
  database`` gives the tests run, failed and in error; ``skipped <test> : <reason>``
  lines of the module's test loggers give the skipped ones (Odoo counts a skipped
  test in N): passed = N - F - E - skipped.
* No closing line (Odoo crashed or was killed): one failure.
* 0 tests run: one failure.
* Any ERROR/CRITICAL line outside the tests (install, loading, shutdown) that
  is not a test report: one failure.
* Any WARNING line outside the tests (the install must be clean), except the
  few harmless ones of ALLOWED_WARNINGS (or $AICI_ALLOWED_WARNINGS, one regex a
  line): one failure.
* ERROR and WARNING lines logged while tests run (tests exercising error paths)
  are shown but not counted: a test should capture the logs it expects
  (``self.assertLogs`` / ``mute_logger``).

"While tests run" spans from a test's ``Starting <Class.test> ...`` line (or
``Starting post tests``) to the next ``Module <m> loaded in`` line (at_install
tests) or ``<n> post-tests in`` line (post_install tests).
* Odoo's exit code not 0 while nothing above failed: one failure.
"""

import os
import re
import sys

RECORD = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?P<pid>\d+) "
    r"(?P<level>[A-Z?]+) (?P<db>\S+) (?P<logger>\S+?): ?(?P<msg>.*)$"
)
SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
MODULE_LOADED = re.compile(r"Module \S+ loaded in ")
MODULE_TESTS_FAILED = re.compile(r"Module \S+: \d+ failures, \d+ errors of \d+ tests")
POST_TESTS_DONE = re.compile(r"\d+ post-tests in ")
# Harmless warnings of a headless test run (regexes searched in the first line).
ALLOWED_WARNINGS = [
    r"Killing chrome descendants-or-self",
    r"Running as user 'root' is a security risk",
]
ALLOWED_WARNINGS += [
    p for p in os.environ.get("AICI_ALLOWED_WARNINGS", "").split("\n") if p
]

MAX_RECORD_LINES = 60
MAX_LINE_CHARS = 1500
MAX_RECORDS_SHOWN = 15


class Record:
    __slots__ = ("level", "lines", "logger", "msg")

    def __init__(self, level, logger, msg, line):
        self.level = level
        self.logger = logger
        self.msg = msg
        self.lines = [line]

    def text(self):
        cut = MAX_LINE_CHARS
        lines = [
            line if len(line) <= cut else f"{line[:cut]} [...{len(line) - cut} cut]"
            for line in self.lines
        ]
        if len(lines) > MAX_RECORD_LINES:
            cut = len(lines) - MAX_RECORD_LINES
            lines = lines[:20] + [f"    [... {cut} lines cut ...]"] + lines[-40:]
        return "\n".join(lines)


def read_records(path):
    records = []
    orphans = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for raw in log:
            line = raw.rstrip("\n").rstrip()
            match = RECORD.match(line)
            if match:
                records.append(
                    Record(match["level"], match["logger"], match["msg"], line)
                )
            elif records:
                records[-1].lines.append(line)
            elif line:
                orphans.append(line)
    return records, orphans


def show(title, records):
    print(f"--- {title} ---")
    for record in records[:MAX_RECORDS_SHOWN]:
        print(record.text())
    if len(records) > MAX_RECORDS_SHOWN:
        print(f"    [... and {len(records) - MAX_RECORDS_SHOWN} more, see the log]")


# ERROR lines that only repeat what the test reports and the closing line say.
TEST_NOISE = [
    ("odoo.modules.loading", re.compile(r"At least one test failed")),
    ("odoo.modules.loading", MODULE_TESTS_FAILED),
    ("odoo.tests.result", re.compile(r"Test suite halted")),
]


def starts_tests(record):
    if record.logger == "odoo.service.server":
        return record.msg.startswith("Starting post tests")
    return (
        ".tests." in record.logger
        and record.msg.startswith("Starting ")
        and record.msg.endswith("...")
    )


def ends_tests(record):
    if record.logger == "odoo.modules.loading":
        return bool(MODULE_LOADED.match(record.msg))
    if record.logger == "odoo.service.server":
        return bool(POST_TESTS_DONE.match(record.msg))
    return False


class Findings:
    def __init__(self):
        self.summary = None
        self.skipped = 0
        self.test_reports = []  # FAIL:/ERROR: records of the module's tests
        self.errors = []  # other ERROR/CRITICAL records outside the tests
        self.warnings = []  # WARNING records outside the tests
        self.test_errors = []  # ERROR records logged while tests ran
        self.test_warnings = []  # WARNING records logged while tests ran


def classify(records, module):
    test_prefix = f"odoo.addons.{module}."
    allowed = [re.compile(p) for p in ALLOWED_WARNINGS]
    found = Findings()
    in_tests = False
    for record in records:
        msg = record.msg
        if record.logger == "odoo.tests.result" and SUMMARY.search(msg):
            found.summary = SUMMARY.search(msg)
            in_tests = False
            continue
        if starts_tests(record):
            in_tests = True
        elif ends_tests(record):
            in_tests = False
        from_tests = record.logger.startswith(test_prefix)
        if from_tests and record.level == "INFO" and msg.startswith("skipped "):
            found.skipped += 1
        elif record.level in ("ERROR", "CRITICAL"):
            if from_tests and msg.startswith(("FAIL:", "ERROR:")):
                found.test_reports.append(record)
            elif any(
                record.logger == logger and pattern.match(msg)
                for logger, pattern in TEST_NOISE
            ):
                continue
            elif in_tests:
                found.test_errors.append(record)
            else:
                found.errors.append(record)
        elif record.level == "WARNING":
            if any(p.search(record.lines[0]) for p in allowed):
                continue
            if in_tests:
                found.test_warnings.append(record)
            else:
                found.warnings.append(record)
    return found


def main(argv):
    path, module, exit_code = argv[1], argv[2], int(argv[3])
    records, _orphans = read_records(path)
    found = classify(records, module)
    summary, skipped = found.summary, found.skipped
    test_reports, errors, warnings = found.test_reports, found.errors, found.warnings
    test_errors, test_warnings = found.test_errors, found.test_warnings

    reasons = []
    if summary:
        run = int(summary["run"])
        failed = int(summary["failed"]) + int(summary["errors"])
    else:
        run = failed = 0
        reasons.append(
            "Odoo did not print its closing test line "
            f"('... tests when loading database'); exit code {exit_code}"
        )
    passed = max(0, run - failed - skipped)
    if summary and run == 0:
        reasons.append(
            f"no test of {module} ran (are the tests imported in "
            "tests/__init__.py and tagged?)"
        )
    if test_reports:
        show(f"failing tests ({len(test_reports)} report(s))", test_reports)
    if test_errors:
        show("ERROR lines logged while tests ran (not counted)", test_errors)
    if test_warnings:
        show("WARNING lines logged while tests ran (not counted)", test_warnings)
    if errors:
        reasons.append(
            f"{len(errors)} ERROR/CRITICAL log line(s) outside the test reports"
        )
        show("ERROR/CRITICAL lines outside the test reports", errors)
    if warnings:
        reasons.append(
            f"{len(warnings)} WARNING line(s) outside the tests: the install "
            "must be clean"
        )
        show("WARNING lines", warnings)
    if exit_code != 0 and not reasons and failed == 0:
        reasons.append(f"Odoo exited with code {exit_code}")
    if reasons and not summary:
        print("--- last lines of the Odoo log ---")
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log.readlines()[-40:]:
                print(line.rstrip())
    for reason in reasons:
        print(f"FAILURE: {reason}")
    failed += len(reasons)
    print(f"RESULT run={run} passed={passed} failed={failed} skipped={skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
